import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CollectiveInvoicing } from './collective.service';
import { CheckoutConsumer, InvoiceIntake } from './intake';
import { InvoiceStatusPublisher } from './invoice-status';
import { InvoiceWorker } from './invoice.worker';
import { InvoicesController } from './invoices.controller';
import { Invoicer } from './invoicer';

@Module({
  imports: [CompanySettingsModule],
  controllers: [CheckoutConsumer, InvoicesController],
  providers: [InvoiceIntake, InvoiceStatusPublisher, Invoicer, InvoiceWorker, CollectiveInvoicing],
})
export class InvoicesModule {}
