import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
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
import { SalesExportEnv } from './config/env.schema';
import { databaseSetup } from './database/setup';
import { DaysModule } from './days/days.module';
import { SalesModule } from './sales/sales.module';
import { VouchersModule } from './vouchers/vouchers.module';

/** Posts every closed business day to Tripletex as one balanced ledger voucher. */
@Module({
  imports: [
    ServiceConfigModule.forService(SalesExportEnv, SERVICE_NAME),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    DatabaseModule.forService(databaseSetup),
    MessagingModule.forService(SERVICE_TOPICS['sales-export']),
    CompanySettingsModule,
    SecurityModule,
    AuditModule,
    TripletexModule,
    SalesModule,
    DaysModule,
    VouchersModule,
  ],
})
export class AppModule {}
