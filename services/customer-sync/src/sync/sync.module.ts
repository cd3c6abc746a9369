import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CustomersController } from '../customers/customers.controller';
import { WebhookController } from '../webhooks/webhook.controller';
import { CompanyActivation } from './company-activation';
import { CustomerStore } from './customer-store';
import { SyncService } from './sync.service';
import { SyncWorker } from './sync.worker';

@Module({
  imports: [CompanySettingsModule],
  controllers: [CustomersController, WebhookController],
  providers: [CompanyActivation, CustomerStore, SyncService, SyncWorker],
})
export class SyncModule {}
