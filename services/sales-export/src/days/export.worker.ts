import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { counter, HeldLease, WorkLoop } from '@pos-tripletex/platform';
import { SalesExportEnv } from '../config/env.schema';
import { DayExportService } from './day-export.service';
import { ClaimedDay, DayLifecycle, DayOutcome } from './day.lifecycle';
import { DayStatuses } from './day-statuses';

const dayExports = counter({
  name: 'pos_sales_export_days_total',
  help: 'Day export passes, by outcome (POSTED, NOTHING_TO_POST, UNMAPPED, FAILED, RETRY)',
  labelNames: ['outcome'] as const,
});

/**
 * The export timer: every EXPORT_POLL_MS (and when nudged) it closes due days, claims due ones
 * with a lease (DayLifecycle: instances share the work with SKIP LOCKED, one day at a time per
 * company, oldest first), exports each (DayExportService) while holding the lease, and records
 * the outcome (DayLifecycle.finish). A lease that runs out (the process died) makes the day due
 * again, and that pass finishes what the dead one started.
 */
@Injectable()
export class ExportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportWorker.name);
  private readonly loop = new WorkLoop<ClaimedDay>({
    name: 'export worker',
    concurrency: () => this.env.EXPORT_WORKERS,
    beforePass: () => this.lifecycle.closeDueDays(),
    claim: (limit) => this.lifecycle.claimDue(limit),
    handle: (claimed) => this.handle(claimed),
    describe: ({ leaseOwner: _owner, ...key }) => ({ ...key }),
    logger: this.logger,
  });

  constructor(
    private readonly lifecycle: DayLifecycle,
    private readonly exporter: DayExportService,
    private readonly env: SalesExportEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.env.EXPORT_POLL_MS, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for work now. */
  nudge(): void {
    this.loop.nudge();
  }

  /**
   * Exports a claimed day while holding its lease (extended every third of it, so a slow Tripletex
   * never lets another instance claim the day). A worker that lost the lease gives up before its
   * next voucher call and records nothing; the next owner finds a voucher that was posted by its
   * external number.
   */
  private async handle(claimed: ClaimedDay): Promise<void> {
    const { leaseOwner: _owner, ...key } = claimed;
    const lease = HeldLease.hold(`day ${key.locationId} ${key.businessDay} of ${key.companyId}`, {
      leaseMs: this.env.EXPORT_LEASE_SECONDS * 1000,
      extend: () => this.lifecycle.extendLease(claimed),
      logger: this.logger,
    });
    try {
      const outcome = await this.exporter.export(key, lease);
      if (lease.lost) return;
      dayExports.inc({ outcome: outcome.status });
      await this.lifecycle.finish(claimed, outcome);
      this.logOutcome(claimed, outcome);
    } finally {
      await lease.release();
    }
  }

  private logOutcome({ leaseOwner: _owner, ...key }: ClaimedDay, outcome: DayOutcome): void {
    const level =
      outcome.status === 'RETRY' || outcome.status === DayStatuses.POSTED ? 'log' : 'warn';
    this.logger[level](
      { ...key, outcome: outcome.status },
      outcome.status === 'RETRY'
        ? `export of ${key.locationId} ${key.businessDay} will be retried: ${outcome.error}`
        : `export of ${key.locationId} ${key.businessDay}: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`,
    );
  }
}
