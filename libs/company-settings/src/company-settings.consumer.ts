import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox } from '@pos-tripletex/messaging';
import { CompanySettingsService } from './company-settings.service';

@Controller()
export class CompanySettingsConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly settings: CompanySettingsService,
  ) {}

  @EventPattern(Topics.IntegrationConfigV1)
  async onConfig(@Ctx() ctx: KafkaContext): Promise<void> {
    const message = ctx.getMessage();
    if (message.value === null && message.key) {
      await this.settings.remove(Buffer.from(message.key).toString('utf8'));
      return;
    }
    await this.inbox.consume(ctx, Topics.IntegrationConfigV1, async (event, tx) => {
      await this.settings.apply(event, tx);
    });
  }
}
