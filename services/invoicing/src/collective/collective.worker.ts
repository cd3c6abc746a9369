import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { WorkLoop } from '@pos-tripletex/platform';
import { InvoicingEnv } from '../config/env.schema';
import { ClaimedRun, CollectiveRunLifecycle } from './collective-run.lifecycle';
import { CollectiveRepository } from './collective.repository';
import { CollectiveService } from './collective.service';

/**
 * Works on the planned collective runs – claims them with a lease held by heartbeat, at most two
 * of a company in flight, so a company with a slow Tripletex or thousands of customers never holds
 * up another's – and plans the runs of companies whose cadence is due (every
 * COLLECTIVE_CHECK_SECONDS).
 */
@Injectable()
export class CollectiveWorker
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(CollectiveWorker.name);
  private readonly loop = new WorkLoop<ClaimedRun>({
    name: 'collective invoicing',
    concurrency: () => this.env.COLLECTIVE_WORKERS,
    claim: (limit) => this.lifecycle.claim(limit),
    handle: (claimed) => this.handle(claimed),
    describe: (claimed) => ({ collectiveRun: claimed.id }),
    logger: this.logger,
  });
  private readonly schedule = WorkLoop.periodic(
    'collective schedule',
    () => this.scheduled(),
    this.logger,
  );

  constructor(
    private readonly lifecycle: CollectiveRunLifecycle,
    private readonly runs: CollectiveRepository,
    private readonly collective: CollectiveService,
    private readonly env: InvoicingEnv,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onPlanned(() => this.loop.nudge());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.env.INVOICE_POLL_MS * 4, { now: true });
    this.schedule.start(this.env.COLLECTIVE_CHECK_SECONDS * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await this.loop.stop();
  }

  private async scheduled(): Promise<void> {
    await this.collective.planDue();
    this.loop.nudge();
  }

  /** A worker that lost the lease records no failure: the next owner finds the invoice if any. */
  private async handle(claimed: ClaimedRun): Promise<void> {
    const lease = this.lifecycle.hold(claimed);
    try {
      const run = await this.runs.run(claimed.id);
      const outcome = await this.collective.invoice(run, lease);
      if ('invoice' in outcome) await this.lifecycle.done(claimed, run, outcome.invoice);
      else if (!lease.lost)
        await this.lifecycle.failed(claimed, run, outcome.failure, outcome.error);
    } finally {
      await lease.release();
    }
  }
}
