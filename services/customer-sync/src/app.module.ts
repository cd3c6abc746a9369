import { Module } from '@nestjs/common';
import { SERVICE_TOPICS } from '@pos-tripletex/contracts';
import { MessagingModule } from '@pos-tripletex/messaging';
import {
  DatabaseModule,
  ServiceConfigModule,
  HealthModule,
  LoggingModule,
  SecurityModule,
} from '@pos-tripletex/platform';
import { TripletexModule } from '@pos-tripletex/tripletex';
import { SERVICE_NAME } from './bootstrap';
import { CustomerSyncEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';
import { CustomersModule } from './customers/customers.module';
import { SyncModule } from './sync/sync.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Mirrors Tripletex customers for BackOffice and the POS. */
@Module({
  imports: [
    ServiceConfigModule.forService(CustomerSyncEnv, SERVICE_NAME),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService(SERVICE_TOPICS['customer-sync']),
    SecurityModule,
    TripletexModule,
    CustomersModule,
    SyncModule,
    WebhooksModule,
  ],
})
export class AppModule {}
