import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { counter, HeldLease, WorkLoop } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { SyncService } from './sync.service';

const runs = counter({
  name: 'pos_customer_sync_runs_total',
  help: 'Customer sync work per company, by kind (subscribe, unsubscribe, full, changed-since) and outcome',
  labelNames: ['kind', 'outcome'] as const,
});

/**
 * Claims companies with due work, the least recently served first (round-robin), each with a lease
 * held by heartbeat: $1 at most, a lease of $2 s, and $3/$4 the changed-since interval and the
 * settle time (seconds). A company is worked on by one instance at a time.
 */
export const CLAIM_DUE_COMPANIES_SQL = `WITH claimed AS (UPDATE sync_states s
  SET lease_owner = gen_random_uuid(), lease_until = now() + make_interval(secs => $2), served_at = now()
  WHERE s.company_id IN (
    SELECT company_id FROM sync_states
    WHERE (lease_until IS NULL OR lease_until < now())
      AND (retry_at IS NULL OR retry_at <= now()) AND (
        needs_unsubscription
        OR (active AND token_ciphertext IS NOT NULL AND (
          needs_subscription
          OR (full_sync_status IN ('PENDING', 'RUNNING', 'FAILED') AND subscribed_at <= now() - make_interval(secs => $4))
          OR (full_sync_status = 'DONE' AND (changed_since_run_at IS NULL OR changed_since_run_at < now() - make_interval(secs => $3))))))
    ORDER BY served_at NULLS FIRST, company_id
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
  -- Again at the locking level: another instance may have claimed it meanwhile.
  AND (s.lease_until IS NULL OR s.lease_until < now())
  RETURNING s.company_id, s.lease_owner) SELECT company_id, lease_owner FROM claimed`;

const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE sync_states SET lease_until = now() + make_interval(secs => $3)
    WHERE company_id = $1 AND lease_owner = $2 RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

const RELEASE_SQL = `UPDATE sync_states SET lease_owner = NULL, lease_until = NULL
  WHERE company_id = $1 AND lease_owner = $2`;

interface Claimed {
  companyId: string;
  leaseOwner: string;
}

/**
 * Runs the synchronisation work that is due: (un)subscribing, full syncs (initial, requested and
 * nightly reconciliation, after the settle time Tripletex advises after subscribing), and the
 * periodic `changedSince` sync. Companies are claimed round-robin, up to SYNC_CONCURRENCY at once
 * per instance, and a turn is bounded: a full sync does at most SYNC_PAGES_PER_TURN pages and then
 * yields to the other companies, resuming where it stopped on its next turn. So a company with a
 * huge customer list or a slow Tripletex never keeps the others waiting.
 */
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncWorker.name);
  private readonly loop = new WorkLoop<Claimed>({
    name: 'customer sync',
    concurrency: () => this.config.get<number>('SYNC_CONCURRENCY', 2),
    beforePass: () => this.housekeeping(),
    claim: (limit) => this.claim(limit),
    handle: (claimed) => this.handle(claimed),
    describe: (claimed) => ({ companyId: claimed.companyId }),
    logger: this.logger,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly sync: SyncService,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.config.get<number>('SYNC_POLL_SECONDS', 5) * 1000, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  runSoon(): void {
    this.loop.nudge();
  }

  private get leaseSeconds(): number {
    return this.config.get<number>('SYNC_LEASE_SECONDS', 120);
  }

  /** Nightly reconciliation becomes due; old webhook idempotency keys go. */
  private async housekeeping(): Promise<void> {
    const fullHours = this.config.get<number>('FULL_SYNC_INTERVAL_HOURS', 24);
    await this.dataSource.query(
      `UPDATE sync_states SET full_sync_status = 'PENDING', full_sync_generation = full_sync_generation + 1,
         full_sync_inactive_pass = false, full_sync_from = 0, full_sync_pages = 0, full_sync_customers = 0,
         full_sync_started_at = NULL, full_sync_finished_at = NULL
       WHERE active AND full_sync_status = 'DONE' AND full_sync_finished_at < now() - make_interval(hours => $1)`,
      [fullHours],
    );
    await this.dataSource.query(
      `DELETE FROM webhook_deliveries WHERE received_at < now() - interval '7 days'`,
    );
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const rows = await this.dataSource.query<{ company_id: string; lease_owner: string }[]>(
      CLAIM_DUE_COMPANIES_SQL,
      [
        limit,
        this.leaseSeconds,
        this.config.get<number>('CHANGED_SINCE_INTERVAL_SECONDS', 300),
        this.config.get<number>('WEBHOOK_SETTLE_MS', 3000) / 1000,
      ],
    );
    return rows.map((r) => ({ companyId: r.company_id, leaseOwner: r.lease_owner }));
  }

  private async handle({ companyId, leaseOwner }: Claimed): Promise<void> {
    const lease = HeldLease.hold(`customer sync of ${companyId}`, {
      leaseMs: this.leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            companyId,
            leaseOwner,
            this.leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
    try {
      await this.workOn(companyId, lease);
    } finally {
      await lease.release();
      await this.dataSource.query(RELEASE_SQL, [companyId, leaseOwner]);
    }
  }

  private async workOn(companyId: string, lease: HeldLease): Promise<void> {
    let kind: string | undefined;
    try {
      const state = await this.sync.load(companyId);
      if (!state) return;
      if (state.needsUnsubscription) {
        kind = 'unsubscribe';
        lease.throwIfLost();
        await this.sync.unsubscribe(state);
      } else if (!state.active) return;
      else if (state.needsSubscription) {
        kind = 'subscribe';
        lease.throwIfLost();
        await this.sync.subscribe(state);
      } else if (['PENDING', 'RUNNING', 'FAILED'].includes(state.fullSyncStatus)) {
        kind = 'full';
        await this.sync.fullSync(state, {
          pages: this.config.get<number>('SYNC_PAGES_PER_TURN', 5),
          lease,
        });
      } else if (state.fullSyncStatus === 'DONE') {
        kind = 'changed-since';
        await this.sync.changedSince(state);
      }
      if (kind) runs.inc({ kind, outcome: 'ok' });
    } catch (error) {
      if (lease.lost) return; // the next turn (ours or another instance's) goes on
      runs.inc({ kind: kind ?? 'load', outcome: 'failed' });
      await this.sync.failed(companyId, error);
    }
  }
}
