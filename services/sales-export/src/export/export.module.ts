import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { DayExporter } from '../vouchers/voucher.planner';
import { DayStatusPublisher } from '../days/day-status.publisher';
import { DayStore } from '../vouchers/day-sales.repository';
import { DaysController } from '../days/days.controller';
import { ExportWorker } from '../days/export.worker';
import { DayClosedConsumer, SalesIngest } from '../sales/sales.service';

@Module({
  imports: [CompanySettingsModule],
  controllers: [DayClosedConsumer, DaysController],
  providers: [DayStatusPublisher, DayStore, DayExporter, ExportWorker, SalesIngest],
})
export class ExportModule {}
