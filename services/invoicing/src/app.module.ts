import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { Topics } from '@pos-tripletex/contracts';
import { MessagingModule } from '@pos-tripletex/messaging';
import { DatabaseModule, envValidator, HealthModule, LoggingModule } from '@pos-tripletex/platform';
import { SERVICE_NAME } from './bootstrap';
import { InvoicingEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';

/** Turns checkouts paid by invoice into Tripletex invoices, once. */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: envValidator(InvoicingEnv, SERVICE_NAME),
    }),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService({
      consumes: [Topics.CheckoutCompletedV1, Topics.IntegrationConfigV1],
      produces: [Topics.InvoiceStatusV1],
    }),
    CompanySettingsModule,
  ],
})
export class AppModule {}
