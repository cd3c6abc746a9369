import { Module } from '@nestjs/common';
import { AuditModule } from '@pos-tripletex/platform';
import { IntegrationClients } from './integration-clients';
import { IntegrationLifecycle } from './integration.lifecycle';
import { IntegrationPublisher } from './integration.publisher';
import { TokenRotation } from './token-rotation';

/**
 * The integration aggregate: its lifecycle (all its SQL, events and audit records), its
 * Tripletex clients and the key rotation of its stored tokens.
 */
@Module({
  imports: [AuditModule],
  providers: [IntegrationLifecycle, IntegrationPublisher, IntegrationClients, TokenRotation],
  exports: [IntegrationLifecycle, IntegrationClients, TokenRotation],
})
export class IntegrationsModule {}
