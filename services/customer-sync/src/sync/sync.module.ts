import { forwardRef, Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { CustomersModule } from '../customers/customers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { SyncSecretsRotation } from './secrets-rotation';
import { SettingsAppliedListener } from './settings-applied.listener';
import { SyncRunLifecycle } from './sync-run.lifecycle';
import { SyncService } from './sync.service';
import { SyncWorker } from './sync.worker';

/**
 * Keeping each company's mirror in step with Tripletex: the sync state and its lifecycle, what a
 * settings change does, and the worker giving companies their turns (webhook subscriptions, full
 * and incremental syncs), and the key rotation of the secrets the sync state keeps sealed.
 */
@Module({
  imports: [
    CompanySettingsModule,
    forwardRef(() => CustomersModule),
    forwardRef(() => WebhooksModule),
  ],
  providers: [
    SyncRunLifecycle,
    SyncService,
    SyncWorker,
    SettingsAppliedListener,
    SyncSecretsRotation,
  ],
  exports: [SyncRunLifecycle, SyncService, SyncSecretsRotation],
})
export class SyncModule {}
