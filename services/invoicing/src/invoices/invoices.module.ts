import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { AuditModule } from '@pos-tripletex/platform';
import { CreditNoteService } from '../credit-notes/credit-note.service';
import { CustomerChangedConsumer } from './customer-changed.consumer';
import { FailedRequestsWatcher } from './failed-requests.watcher';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceRequestsRepository } from './invoice-requests.repository';
import { InvoiceWorker } from './invoice.worker';
import { InvoicerService } from './invoicer.service';
import { ProductCatalog } from './product-catalog';
import { InvoicesController } from './invoices.controller';
import { SettingsAppliedListener } from './settings-applied.listener';

/**
 * Invoice requests: their lifecycle, the worker that invoices them, what takes failed ones up
 * again (customer changes, the bank account watch, settings), and the BackOffice reads and retry.
 */
@Module({
  imports: [CompanySettingsModule, AuditModule],
  controllers: [InvoicesController, CustomerChangedConsumer],
  providers: [
    // Refunds: decisions in credit-notes/, on the same lifecycle and reads as the invoices.
    CreditNoteService,
    InvoiceRequestLifecycle,
    InvoiceRequestsRepository,
    InvoicerService,
    ProductCatalog,
    InvoiceWorker,
    FailedRequestsWatcher,
    SettingsAppliedListener,
  ],
  exports: [InvoiceRequestLifecycle, InvoiceRequestsRepository, InvoiceWorker],
})
export class InvoicesModule {}
