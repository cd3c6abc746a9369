import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { AuditModule } from '@pos-tripletex/platform';
import { VouchersModule } from '../vouchers/vouchers.module';
import { DayClosedConsumer } from './day-closed.consumer';
import { DayExportService } from './day-export.service';
import { DayLifecycle } from './day.lifecycle';
import { DayStatusPublisher } from './day-status.publisher';
import { DaysController } from './days.controller';
import { DaysRepository } from './days.repository';
import { DaysService } from './days.service';
import { ExportWorker } from './export.worker';
import { SettingsAppliedListener } from './settings-applied.listener';

/**
 * Business days: their lifecycle (DayLifecycle), the Z-report and settings reactions, the export
 * timer (ExportWorker → DayExportService) and the BackOffice API.
 */
@Module({
  imports: [CompanySettingsModule, VouchersModule, AuditModule],
  controllers: [DayClosedConsumer, DaysController],
  providers: [
    DayStatusPublisher,
    DayLifecycle,
    DaysRepository,
    DaysService,
    DayExportService,
    ExportWorker,
    SettingsAppliedListener,
  ],
  exports: [DayLifecycle, ExportWorker],
})
export class DaysModule {}
