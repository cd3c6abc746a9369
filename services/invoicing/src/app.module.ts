import { Module } from '@nestjs/common';
import { SERVICE_TOPICS } from '@pos-tripletex/contracts';
import { MessagingModule } from '@pos-tripletex/messaging';
import {
  AuditModule,
  DatabaseModule,
  ServiceConfigModule,
  HealthModule,
  LoggingModule,
  SecurityModule,
} from '@pos-tripletex/platform';
import { TripletexModule } from '@pos-tripletex/tripletex';
import { SERVICE_NAME } from './bootstrap';
import { InvoicingEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';
import { CollectiveModule } from './collective/collective.module';
import { IntakeModule } from './intake/intake.module';
import { InvoicesModule } from './invoices/invoices.module';

/** Turns checkouts paid by invoice into Tripletex invoices, once. */
@Module({
  imports: [
    ServiceConfigModule.forService(InvoicingEnv, SERVICE_NAME),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService(SERVICE_TOPICS.invoicing),
    SecurityModule,
    AuditModule,
    TripletexModule,
    IntakeModule,
    InvoicesModule,
    CollectiveModule,
  ],
})
export class AppModule {}
