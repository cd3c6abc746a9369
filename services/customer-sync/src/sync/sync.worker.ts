import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { counter, describeError } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { SyncService } from './sync.service';

const runs = counter({
  name: 'pos_customer_sync_runs_total',
  help: 'Customer sync work per company, by kind (subscribe, unsubscribe, full, changed-since) and outcome',
  labelNames: ['kind', 'outcome'] as const,
});

/**
 * Runs the synchronisation work that is due: (un)subscribing, full syncs (initial, requested and
 * nightly reconciliation, after the settle time Tripletex advises after subscribing), and the
 * periodic `changedSince` sync. A company is worked on by one instance at a time (advisory lock);
 * several companies in parallel up to SYNC_CONCURRENCY.
 */
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sync: SyncService,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => this.runSoon(),
      this.config.get<number>('SYNC_POLL_SECONDS', 5) * 1000,
    );
    this.timer.unref();
    this.runSoon();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  runSoon(): void {
    if (this.stopping) return;
    this.running ??= this.pass()
      .catch((error: unknown) => this.logger.error(`sync pass failed: ${describeError(error)}`))
      .finally(() => (this.running = undefined));
  }

  private async pass(): Promise<void> {
    const changedSinceSeconds = this.config.get<number>('CHANGED_SINCE_INTERVAL_SECONDS', 300);
    const fullHours = this.config.get<number>('FULL_SYNC_INTERVAL_HOURS', 24);
    const settleMs = this.config.get<number>('WEBHOOK_SETTLE_MS', 3000);
    await this.dataSource.query(
      `UPDATE sync_states SET full_sync_status = 'PENDING', full_sync_generation = full_sync_generation + 1,
         full_sync_inactive_pass = false, full_sync_from = 0, full_sync_pages = 0, full_sync_customers = 0,
         full_sync_started_at = NULL, full_sync_finished_at = NULL
       WHERE active AND full_sync_status = 'DONE' AND full_sync_finished_at < now() - make_interval(hours => $1)`,
      [fullHours],
    );
    const due = await this.dataSource.query<{ company_id: string }[]>(
      `SELECT company_id FROM sync_states
       WHERE (retry_at IS NULL OR retry_at <= now()) AND (
         needs_unsubscription
         OR (active AND token_ciphertext IS NOT NULL AND (
           needs_subscription
           OR (full_sync_status IN ('PENDING', 'RUNNING', 'FAILED') AND subscribed_at <= now() - make_interval(secs => $2))
           OR (full_sync_status = 'DONE' AND (changed_since_run_at IS NULL OR changed_since_run_at < now() - make_interval(secs => $1))))))
       ORDER BY company_id`,
      [changedSinceSeconds, settleMs / 1000],
    );
    await this.dataSource.query(
      `DELETE FROM webhook_deliveries WHERE received_at < now() - interval '7 days'`,
    );
    const queue = due.map((d) => d.company_id);
    const workers = Array.from(
      { length: this.config.get<number>('SYNC_CONCURRENCY', 2) },
      async () => {
        for (
          let companyId = queue.shift();
          companyId !== undefined && !this.stopping;
          companyId = queue.shift()
        ) {
          await this.workOn(companyId);
        }
      },
    );
    await Promise.all(workers);
  }

  private async workOn(companyId: string): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [`customer-sync:${companyId}`],
      )) as { locked: boolean }[];
      if (!locked) return;
      let kind: string | undefined;
      try {
        const state = await this.sync.load(companyId);
        if (!state) return;
        if (state.needsUnsubscription) {
          kind = 'unsubscribe';
          await this.sync.unsubscribe(state);
        } else if (!state.active) return;
        else if (state.needsSubscription) {
          kind = 'subscribe';
          await this.sync.subscribe(state);
        } else if (['PENDING', 'RUNNING', 'FAILED'].includes(state.fullSyncStatus)) {
          kind = 'full';
          await this.sync.fullSync(state);
        } else if (state.fullSyncStatus === 'DONE') {
          kind = 'changed-since';
          await this.sync.changedSince(state);
        }
        if (kind) runs.inc({ kind, outcome: 'ok' });
      } catch (error) {
        runs.inc({ kind: kind ?? 'load', outcome: 'failed' });
        await this.sync.failed(companyId, error);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [
          `customer-sync:${companyId}`,
        ]);
      }
    } finally {
      await runner.release();
    }
  }
}
