import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { counter, HeldLease, WorkLoop } from '@pos-tripletex/platform';
import { CustomerSyncEnv } from '../config/env.schema';
import { ClaimTiming, SyncClaim, SyncRunLifecycle } from './sync-run.lifecycle';
import { SyncService } from './sync.service';

const runs = counter({
  name: 'pos_customer_sync_runs_total',
  help: 'Customer sync work per company, by kind (subscribe, check-webhooks, unsubscribe, full, changed-since) and outcome (ok, failed, stopped)',
  labelNames: ['kind', 'outcome'] as const,
});

/**
 * The timer of the synchronisation: every SYNC_POLL_SECONDS it claims companies with due work
 * (round-robin, up to SYNC_CONCURRENCY at once per instance, each under a lease held by
 * heartbeat) and gives each one turn (SyncService.takeTurn). A turn is bounded – a full sync reads
 * at most SYNC_PAGES_PER_TURN pages and yields – so a company with a huge customer list or a slow
 * Tripletex never keeps the others waiting.
 */
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncWorker.name);
  private readonly loop = new WorkLoop<SyncClaim>({
    name: 'customer sync',
    concurrency: () => this.env.SYNC_CONCURRENCY,
    beforePass: () => this.sync.housekeeping(),
    claim: (limit) => this.syncRuns.claimDue(limit, this.timing),
    handle: (claim) => this.handle(claim),
    describe: (claim) => ({ companyId: claim.companyId }),
    logger: this.logger,
  });

  constructor(
    private readonly syncRuns: SyncRunLifecycle,
    private readonly sync: SyncService,
    private readonly env: CustomerSyncEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.env.SYNC_POLL_SECONDS * 1000, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private get timing(): ClaimTiming {
    return {
      leaseSeconds: this.env.SYNC_LEASE_SECONDS,
      changedSinceEverySeconds: this.env.CHANGED_SINCE_INTERVAL_SECONDS,
      settleSeconds: this.env.WEBHOOK_SETTLE_MS / 1000,
      webhookCheckSeconds: this.env.WEBHOOK_CHECK_INTERVAL_SECONDS,
      webhooks: this.env.WEBHOOK_PUBLIC_URL !== '',
    };
  }

  private async handle(claim: SyncClaim): Promise<void> {
    const lease = HeldLease.hold(`customer sync of ${claim.companyId}`, {
      leaseMs: this.env.SYNC_LEASE_SECONDS * 1000,
      extend: () => this.syncRuns.extendLease(claim, this.env.SYNC_LEASE_SECONDS),
      logger: this.logger,
    });
    try {
      const turn = await this.sync.takeTurn(claim.companyId, lease);
      if (turn) runs.inc({ kind: turn.kind, outcome: turn.outcome });
    } finally {
      await lease.release();
      await this.syncRuns.release(claim);
    }
  }
}
