import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CreditNotesModule } from '../credit-notes/credit-notes.module';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceRequestsRepository } from './invoice-requests.repository';
import { InvoiceWorker } from './invoice.worker';
import { InvoicerService } from './invoicer.service';
import { InvoicesController } from './invoices.controller';
import { SettingsAppliedListener } from './settings-applied.listener';

/** Invoice requests: their lifecycle, the worker that invoices them, and the BackOffice reads. */
@Module({
  imports: [CompanySettingsModule, CreditNotesModule],
  controllers: [InvoicesController],
  providers: [
    InvoiceRequestLifecycle,
    InvoiceRequestsRepository,
    InvoicerService,
    InvoiceWorker,
    SettingsAppliedListener,
  ],
  exports: [InvoiceRequestLifecycle, InvoiceRequestsRepository, InvoiceWorker],
})
export class InvoicesModule {}
