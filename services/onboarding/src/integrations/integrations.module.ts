import { Module } from '@nestjs/common';
import { AuditModule } from '@pos-tripletex/platform';
import { IntegrationClients } from './integration-clients';
import { IntegrationLifecycle } from './integration.lifecycle';
import { IntegrationPublisher } from './integration.publisher';

/**
 * The integration aggregate: its lifecycle (all its SQL, events and audit records) and its
 * Tripletex clients.
 */
@Module({
  imports: [AuditModule],
  providers: [IntegrationLifecycle, IntegrationPublisher, IntegrationClients],
  exports: [IntegrationLifecycle, IntegrationClients],
})
export class IntegrationsModule {}
