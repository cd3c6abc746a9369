import {
  Controller,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox } from '@pos-tripletex/messaging';
import { DataSource } from 'typeorm';
import { IntegrationService } from './integration.service';

/**
 * Re-verifies stored tokens: every REVERIFY_INTERVAL_HOURS, and soon after another service reports
 * that Tripletex refused a company's token. One instance at a time does it (advisory lock).
 */
@Injectable()
export class ReverificationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReverificationWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly integrations: IntegrationService,
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.get<number>('REVERIFY_POLL_SECONDS', 60) * 1000;
    this.timer = setInterval(() => this.runSoon(), everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts a pass unless one is running. */
  runSoon(): void {
    this.running ??= this.pass().finally(() => (this.running = undefined));
  }

  private async pass(): Promise<void> {
    const olderThanMs = this.config.get<number>('REVERIFY_INTERVAL_HOURS', 24) * 3600 * 1000;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        "SELECT pg_try_advisory_lock(hashtext('onboarding:reverify')) AS locked",
      )) as { locked: boolean }[];
      if (!locked) return;
      try {
        for (const companyId of await this.integrations.dueForReverification(olderThanMs)) {
          await this.integrations
            .reverify(companyId)
            .catch((error: unknown) =>
              this.logger.warn(
                { companyId },
                `re-verification failed: ${(error as Error).message}`,
              ),
            );
        }
      } finally {
        await runner.query("SELECT pg_advisory_unlock(hashtext('onboarding:reverify'))");
      }
    } catch (error) {
      this.logger.error(`re-verification pass failed: ${(error as Error).message}`);
    } finally {
      await runner.release();
    }
  }
}

/** Another service says Tripletex refused a company's token: check it soon. */
@Controller()
export class TripletexAuthFailedConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly integrations: IntegrationService,
    private readonly worker: ReverificationWorker,
  ) {}

  @EventPattern(Topics.TripletexAuthFailedV1)
  async onAuthFailed(@Ctx() ctx: KafkaContext): Promise<void> {
    const outcome = await this.inbox.consume(
      ctx,
      Topics.TripletexAuthFailedV1,
      async (event, tx) => {
        await this.integrations.requestReverification(tx, event.companyId);
      },
    );
    if (outcome === 'processed') this.worker.runSoon();
  }
}
