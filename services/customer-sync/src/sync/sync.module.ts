import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CustomersController } from '../customers/customers.controller';
import { WebhookController } from '../webhooks/webhook.controller';
import { CustomerStore } from './customer-store';
import { SettingsAppliedListener } from './settings-applied.listener';
import { SyncRunLifecycle } from './sync-run.lifecycle';
import { SyncService } from './sync.service';
import { SyncWorker } from './sync.worker';

@Module({
  imports: [CompanySettingsModule],
  controllers: [CustomersController, WebhookController],
  providers: [CustomerStore, SyncRunLifecycle, SyncService, SyncWorker, SettingsAppliedListener],
})
export class SyncModule {}
