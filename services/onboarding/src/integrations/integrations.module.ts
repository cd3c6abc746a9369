import { Module } from '@nestjs/common';
import { IntegrationClients } from './integration-clients';
import { IntegrationLifecycle } from './integration.lifecycle';
import { IntegrationPublisher } from './integration.publisher';

/** The integration aggregate: its lifecycle (all its SQL and events) and its Tripletex clients. */
@Module({
  providers: [IntegrationLifecycle, IntegrationPublisher, IntegrationClients],
  exports: [IntegrationLifecycle, IntegrationClients],
})
export class IntegrationsModule {}
