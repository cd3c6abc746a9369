import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ID64, Topics } from '@pos-tripletex/contracts';
import { Inbox, ReceivedMessage } from '@pos-tripletex/messaging';
import { AppError } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { CompanySettingsService } from './company-settings.service';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The companyId a tombstone's key names, or null when the key is not one. */
export function companyIdOfKey(key: Buffer | null): string | null {
  if (!key || key.length === 0 || key.length > 64) return null;
  try {
    const text = utf8.decode(key);
    return ID64.test(text) ? text : null;
  } catch {
    return null;
  }
}

@Controller()
export class CompanySettingsConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly settings: CompanySettingsService,
  ) {}

  @EventPattern(Topics.IntegrationConfigV1)
  async onConfig(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.inbox.consume(
      ctx,
      Topics.IntegrationConfigV1,
      async (event, tx) => {
        await this.settings.apply(event, tx);
      },
      { tombstone: (message, tx) => this.forget(message, tx) },
    );
  }

  /** A tombstone (key = companyId, no value): the company's settings are gone. */
  private async forget(message: ReceivedMessage, tx: EntityManager): Promise<void> {
    const companyId = companyIdOfKey(message.key);
    if (!companyId) {
      throw new AppError(
        'SETTINGS.TOMBSTONE_WITHOUT_COMPANY',
        'a tombstone on integration.config.v1 must have a companyId as its key',
      );
    }
    await this.settings.remove(companyId, tx);
  }
}
