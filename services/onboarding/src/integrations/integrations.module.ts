import { Module } from '@nestjs/common';
import { IntegrationClients } from './integration-clients';
import { IntegrationLifecycle } from './integration.lifecycle';
import { IntegrationPublisher } from './integration.publisher';
import { TokenRotation } from './token-rotation';

/**
 * The integration aggregate: its lifecycle (all its SQL and events), its Tripletex clients and
 * the key rotation of its stored tokens.
 */
@Module({
  providers: [IntegrationLifecycle, IntegrationPublisher, IntegrationClients, TokenRotation],
  exports: [IntegrationLifecycle, IntegrationClients, TokenRotation],
})
export class IntegrationsModule {}
