import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox } from '@pos-tripletex/messaging';
import { AlertsService } from './alerts.service';

/**
 * integration.alerts.v1 → the company's alerts. Through the Inbox: applied once per eventId, an
 * unreadable record dead-lettered with every problem, never a stopped partition.
 */
@Controller()
export class AlertsConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly alerts: AlertsService,
  ) {}

  @EventPattern(Topics.AlertsV1)
  async onAlert(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.inbox.consume(ctx, Topics.AlertsV1, async (event, tx) => {
      await this.alerts.apply(event, tx);
    });
  }
}
