import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { Topics } from '@pos-tripletex/contracts';
import { MessagingModule } from '@pos-tripletex/messaging';
import { DatabaseModule, envValidator, HealthModule, LoggingModule } from '@pos-tripletex/platform';
import { SERVICE_NAME } from './bootstrap';
import { CustomerSyncEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';

/** Mirrors Tripletex customers for BackOffice and the POS. */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: envValidator(CustomerSyncEnv, SERVICE_NAME),
    }),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService({
      consumes: [Topics.IntegrationConfigV1],
      produces: [Topics.CustomersChangedV1],
    }),
    CompanySettingsModule,
  ],
})
export class AppModule {}
