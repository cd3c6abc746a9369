import { forwardRef, Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CustomersModule } from '../customers/customers.module';
import { WebhookController } from '../webhooks/webhook.controller';
import { SettingsAppliedListener } from './settings-applied.listener';
import { SyncRunLifecycle } from './sync-run.lifecycle';
import { SyncService } from './sync.service';
import { SyncWorker } from './sync.worker';

@Module({
  imports: [CompanySettingsModule, forwardRef(() => CustomersModule)],
  controllers: [WebhookController],
  providers: [SyncRunLifecycle, SyncService, SyncWorker, SettingsAppliedListener],
  exports: [SyncRunLifecycle, SyncService],
})
export class SyncModule {}
