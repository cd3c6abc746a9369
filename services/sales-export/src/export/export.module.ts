import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { DayExporter } from './day-exporter';
import { DayStatusPublisher } from './day-status';
import { DayStore } from './day-store';
import { DaysController } from './days.controller';
import { ExportWorker } from './export.worker';
import { DayClosedConsumer, SalesIngest } from './ingest';

@Module({
  imports: [CompanySettingsModule],
  controllers: [DayClosedConsumer, DaysController],
  providers: [DayStatusPublisher, DayStore, DayExporter, ExportWorker, SalesIngest],
})
export class ExportModule {}
