import { forwardRef, Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { SyncModule } from '../sync/sync.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { WebhookController } from './webhook.controller';
import { WebhookService } from './webhook.service';

/**
 * Tripletex's customer webhooks: our subscriptions (made and removed as sync work) and the
 * deliveries, verified and applied to the mirror.
 */
@Module({
  // Subscriptions and secrets live in the sync state, and subscribing is a turn of the sync
  // worker: the two modules need each other.
  imports: [forwardRef(() => SyncModule), forwardRef(() => CustomersModule)],
  controllers: [WebhookController],
  providers: [WebhookService, WebhookSubscriptionsService, WebhookDeliveriesRepository],
  exports: [WebhookSubscriptionsService, WebhookDeliveriesRepository],
})
export class WebhooksModule {}
