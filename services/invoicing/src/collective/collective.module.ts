import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { AuditModule } from '@pos-tripletex/platform';
import { InvoicesModule } from '../invoices/invoices.module';
import { CollectiveRunLifecycle } from './collective-run.lifecycle';
import { CollectiveController } from './collective.controller';
import { CollectiveRepository } from './collective.repository';
import { CollectiveService } from './collective.service';
import { CollectiveWorker } from './collective.worker';

/** Collective invoicing: open orders per customer invoiced together, on a cadence or on demand. */
@Module({
  imports: [CompanySettingsModule, InvoicesModule, AuditModule],
  controllers: [CollectiveController],
  providers: [CollectiveRunLifecycle, CollectiveRepository, CollectiveService, CollectiveWorker],
})
export class CollectiveModule {}
