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
import { WorkLoop } from '@pos-tripletex/platform';
import { IntegrationService } from './integration.service';

/** How long a claimed check keeps the company (also the least time between two failed checks). */
const LEASE_SECONDS = 60;

/**
 * Re-verifies stored tokens: every REVERIFY_INTERVAL_HOURS, and soon after another service reports
 * that Tripletex refused a company's token. Companies are claimed a few at a time (a short lease:
 * never one company by two instances, never the same failing check in a tight loop) and checked
 * REVERIFY_CONCURRENCY at once, so one company's slow Tripletex does not hold up the others.
 */
@Injectable()
export class ReverificationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReverificationWorker.name);
  private readonly loop = new WorkLoop<string>({
    name: 're-verification',
    concurrency: () => this.config.get<number>('REVERIFY_CONCURRENCY', 4),
    claim: (limit) =>
      this.integrations.claimDueForReverification(
        this.config.get<number>('REVERIFY_INTERVAL_HOURS', 24) * 3600 * 1000,
        limit,
        LEASE_SECONDS,
      ),
    handle: async (companyId) => {
      await this.integrations.reverify(companyId);
    },
    describe: (companyId) => ({ companyId }),
    logger: this.logger,
  });

  constructor(
    private readonly integrations: IntegrationService,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.config.get<number>('REVERIFY_POLL_SECONDS', 60) * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for due checks now. */
  runSoon(): void {
    this.loop.nudge();
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
