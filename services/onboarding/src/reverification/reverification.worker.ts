import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor, WorkLoop } from '@pos-tripletex/platform';
import { OnboardingEnv } from '../config/env.schema';
import { ReverificationService } from './reverification.service';

/** Who the audit trail names for what the worker finds. */
const REVERIFICATION = Actor.system('reverification');

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
    concurrency: () => this.env.REVERIFY_CONCURRENCY,
    claim: (limit) => this.reverification.claimDue(limit),
    handle: async (companyId) => {
      await this.reverification.reverify(companyId, REVERIFICATION);
    },
    describe: (companyId) => ({ companyId }),
    logger: this.logger,
  });

  constructor(
    private readonly reverification: ReverificationService,
    private readonly env: OnboardingEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.env.REVERIFY_POLL_SECONDS * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for due checks now. */
  runSoon(): void {
    this.loop.nudge();
  }
}
