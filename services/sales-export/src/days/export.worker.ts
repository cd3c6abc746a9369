import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CompanySettingsService, TokenRejections } from '@pos-tripletex/company-settings';
import { DayStatus, IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { Outbox } from '@pos-tripletex/messaging';
import { backoffDelay, counter, HeldLease, WorkLoop } from '@pos-tripletex/platform';
import { DataSource, EntityManager, Raw } from 'typeorm';
import { DayExporter, DayOutcome } from '../vouchers/voucher.planner';
import { DayKey } from '../vouchers/day-sales.repository';
import { DayStatusPublisher, StatusDetails } from './day-status.publisher';
import { DayEntity } from './entities/day.entity';
import { CLOSES_AT_SQL, dayBoundaries } from './day-boundaries';

const dayExports = counter({
  name: 'pos_sales_export_days_total',
  help: 'Day export passes, by outcome (POSTED, NOTHING_TO_POST, UNMAPPED, FAILED, RETRY)',
  labelNames: ['outcome'] as const,
});

interface DayRow {
  company_id: string;
  location_id: string;
  business_day: string;
  checkouts: number;
  posted_gross: string;
  lease_owner?: string;
}

const ref = (r: DayRow) => ({
  companyId: r.company_id,
  locationId: r.location_id,
  businessDay: r.business_day,
  checkouts: r.checkouts,
  postedGross: Number(r.posted_gross),
});

/**
 * Claims due days for one instance: $1 at most, each with a lease of $2 s; the oldest day of a
 * company first and never a second one of a company while one is being exported. Several
 * instances run it at once (test/claim.integration-spec.ts).
 */
export const CLAIM_DUE_DAYS_SQL = `WITH candidates AS (
         SELECT DISTINCT ON (d.company_id) d.company_id, d.location_id, d.business_day
         FROM days d JOIN company_settings cs ON cs.company_id = d.company_id
         WHERE cs.status = 'ACTIVE' AND cs.config->>'startDate' IS NOT NULL
           AND d.business_day >= (cs.config->>'startDate')::date
           AND ((d.status = 'CLOSED' AND d.next_attempt_at <= now())
             OR (d.status = 'EXPORTING' AND d.lease_until < now()))
           AND NOT EXISTS (SELECT 1 FROM days x WHERE x.company_id = d.company_id
                             AND x.status = 'EXPORTING' AND x.lease_until >= now())
         ORDER BY d.company_id, d.business_day, d.location_id
       ), picked AS (
         SELECT d.company_id, d.location_id, d.business_day
         FROM days d JOIN candidates c USING (company_id, location_id, business_day)
         -- Again at the locking level: when another instance claimed the day between our snapshot
         -- and our lock, PostgreSQL re-checks only these conditions on its new version.
         WHERE (d.status = 'CLOSED' AND d.next_attempt_at <= now())
            OR (d.status = 'EXPORTING' AND d.lease_until < now())
         ORDER BY d.business_day LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE days d SET status = 'EXPORTING', attempts = d.attempts + 1,
           lease_until = now() + make_interval(secs => $2), lease_owner = gen_random_uuid(),
           updated_at = now()
         FROM picked p
         WHERE (d.company_id, d.location_id, d.business_day) = (p.company_id, p.location_id, p.business_day)
         RETURNING d.company_id, d.location_id, d.business_day::text AS business_day, d.checkouts,
                   d.posted_gross, d.lease_owner
       ) SELECT * FROM claimed`;

/** Extends a claimed day's lease, only for the claim that holds it. */
const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE days SET lease_until = now() + make_interval(secs => $5)
    WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date
      AND status = 'EXPORTING' AND lease_owner = $4
    RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** Days closed per statement: closing tens of thousands at once goes in steps. */
const CLOSE_CHUNK = 1000;

/** A day that could not be exported is tried again after 1 s, 2 s, … up to 10 minutes. */
const RETRY_BACKOFF = { firstMs: 1000, maxMs: 600_000 };

/** A claimed day and the claim's owner token. */
interface ClaimedDay extends DayKey {
  leaseOwner: string;
}

/**
 * Closes days (cut-off plus grace passed, or the Z-report's checkouts all in) and exports closed
 * ones: claims due days with a lease (instances share the work with SKIP LOCKED; one day at a time
 * per company, oldest first, so a backfill goes in order and one company's rate limit never holds
 * up another's), lets the DayExporter do the Tripletex part, and records the outcome with its
 * status event in one transaction. A lease that runs out (the process died) makes the day due
 * again, and that pass finishes what the dead one started.
 */
@Injectable()
export class ExportWorker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportWorker.name);
  private readonly loop = new WorkLoop<ClaimedDay>({
    name: 'export worker',
    concurrency: () => this.config.get<number>('EXPORT_WORKERS', 4),
    beforePass: () => this.closeDueDays(),
    claim: (limit) => this.claim(limit),
    handle: (key) => this.handle(key),
    describe: ({ leaseOwner: _owner, ...key }) => ({ ...key }),
    logger: this.logger,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly exporter: DayExporter,
    private readonly statuses: DayStatusPublisher,
    private readonly settings: CompanySettingsService,
    private readonly outbox: Outbox,
    private readonly tokenRejections: TokenRejections,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, previous, tx) => this.onSettings(next, previous, tx));
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.get<number>('EXPORT_POLL_MS', 1000), { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for work now. */
  nudge(): void {
    this.loop.nudge();
  }

  /**
   * OPEN → CLOSED: past the cut-off plus grace, or the Z-report came and its checkouts are all in.
   * At most CLOSE_CHUNK days per transaction (each with its status event), as often as needed.
   */
  async closeDueDays(): Promise<number> {
    let total = 0;
    for (;;) {
      const closed = await this.closeSomeDueDays();
      total += closed;
      if (closed < CLOSE_CHUNK) return total;
    }
  }

  private async closeSomeDueDays(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const closed = await tx.query<DayRow[]>(
        `WITH due AS (
           SELECT company_id, location_id, business_day FROM days
           WHERE status = 'OPEN' AND (closes_at <= now()
             OR (z_received_at IS NOT NULL AND (z_checkout_count IS NULL OR checkouts >= z_checkout_count)))
           LIMIT ${CLOSE_CHUNK}
           FOR UPDATE SKIP LOCKED
         ), closed AS (
           UPDATE days d SET status = 'CLOSED', closed_at = now(),
             closed_by = CASE WHEN d.closes_at <= now() THEN 'CUTOFF' ELSE 'Z_REPORT' END,
             next_attempt_at = now(), updated_at = now()
           FROM due WHERE (d.company_id, d.location_id, d.business_day) = (due.company_id, due.location_id, due.business_day)
           RETURNING d.company_id, d.location_id, d.business_day::text AS business_day, d.checkouts, d.posted_gross
         ) SELECT * FROM closed`,
      );
      await this.statuses.publish(
        tx,
        closed.map((r) => ({ day: ref(r), status: 'CLOSED' as const })),
      );
      return closed.length;
    });
  }

  /**
   * Due days of active companies from their start date on: the oldest per company, never a second
   * one of a company while one is in progress. Days before the start date are never exported.
   */
  private async claim(limit: number): Promise<ClaimedDay[]> {
    const claimed = await this.dataSource.query<DayRow[]>(CLAIM_DUE_DAYS_SQL, [
      limit,
      this.leaseSeconds,
    ]);
    return claimed.map((r) => ({
      companyId: r.company_id,
      locationId: r.location_id,
      businessDay: r.business_day,
      leaseOwner: r.lease_owner as string,
    }));
  }

  private get leaseSeconds(): number {
    return this.config.get<number>('EXPORT_LEASE_SECONDS', 120);
  }

  /**
   * Exports a claimed day while holding its lease (extended every third of it, so a slow Tripletex
   * never lets another instance claim the day). A worker that lost the lease gives up before its
   * next voucher call and records nothing; the next owner finds a voucher that was posted by its
   * external number.
   */
  private async handle(claimed: ClaimedDay): Promise<void> {
    const { leaseOwner, ...key } = claimed;
    const lease = HeldLease.hold(`day ${key.locationId} ${key.businessDay} of ${key.companyId}`, {
      leaseMs: this.leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            key.companyId,
            key.locationId,
            key.businessDay,
            leaseOwner,
            this.leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
    try {
      const outcome = await this.exporter.export(key, lease);
      if (lease.lost) return;
      await this.finish(claimed, outcome);
    } finally {
      await lease.release();
    }
  }

  private async finish(claimed: ClaimedDay, outcome: DayOutcome): Promise<void> {
    const { leaseOwner, ...key } = claimed;
    dayExports.inc({ outcome: outcome.status });
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(DayEntity);
      // Ours only while our claim holds it and its lease has not run out (checked in the database).
      const day = await repo.findOne({
        where: {
          ...key,
          status: 'EXPORTING',
          leaseOwner,
          leaseUntil: Raw((column) => `${column} >= now()`),
        },
        lock: { mode: 'pessimistic_write' },
      });
      if (!day) return; // taken over after our lease ran out
      day.leaseUntil = null;
      day.leaseOwner = null;
      day.updatedAt = new Date();
      let status: DayStatus;
      let details: StatusDetails | undefined;
      switch (outcome.status) {
        case 'POSTED':
        case 'NOTHING_TO_POST': {
          const reexportAgain =
            day.reexportRequestedAt !== null &&
            (outcome.reexportSeen === null || day.reexportRequestedAt > outcome.reexportSeen);
          if (!reexportAgain) day.reexportRequestedAt = null;
          day.exportedRevision = outcome.revision;
          day.postedGross = String(outcome.postedGross);
          day.failureCode = null;
          day.lastError = null;
          day.unmapped = null;
          day.attempts = 0;
          // Sales (or a re-export request) that came in meanwhile need another pass.
          status = day.revision > outcome.revision || reexportAgain ? 'CLOSED' : outcome.status;
          day.nextAttemptAt = new Date();
          const v = outcome.voucher;
          if (v?.tripletexId)
            details = {
              voucher: {
                kind: v.kind,
                voucherId: v.tripletexId,
                number: v.tripletexNumber ?? undefined,
                year: v.tripletexYear ?? undefined,
                externalVoucherNumber: v.externalNumber,
                sentToLedger: v.sendToLedger,
              },
            };
          break;
        }
        case 'UNMAPPED':
          status = 'UNMAPPED';
          day.unmapped = outcome.unmapped;
          day.failureCode = 'SALES_EXPORT.UNMAPPED';
          day.lastError = outcome.reason;
          details = { unmapped: outcome.unmapped, code: day.failureCode, reason: outcome.reason };
          break;
        case 'FAILED':
          status = 'FAILED';
          day.failureCode = outcome.code;
          day.lastError = outcome.reason;
          details = { code: outcome.code, reason: outcome.reason };
          break;
        case 'RETRY': {
          status = 'CLOSED';
          const delay = Math.max(outcome.afterMs, backoffDelay(RETRY_BACKOFF, day.attempts));
          day.nextAttemptAt = new Date(Date.now() + delay);
          day.lastError = outcome.error.slice(0, 2000);
          if (outcome.unauthorized)
            await this.tokenRejections.report(tx, {
              companyId: key.companyId,
              service: 'sales-export',
              message: outcome.error,
            });
          break;
        }
      }
      const announce = outcome.status !== 'RETRY';
      day.status = status;
      await repo.save(day);
      if (announce) {
        await this.statuses.publish(tx, [
          {
            day: {
              ...key,
              checkouts: day.checkouts,
              postedGross: Number(day.postedGross),
            },
            status,
            details,
          },
        ]);
      }
    });
    const level = outcome.status === 'RETRY' || outcome.status === 'POSTED' ? 'log' : 'warn';
    this.logger[level](
      { ...key, outcome: outcome.status },
      outcome.status === 'RETRY'
        ? `export of ${key.locationId} ${key.businessDay} will be retried: ${outcome.error}`
        : `export of ${key.locationId} ${key.businessDay}: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`,
    );
  }

  /**
   * New settings: days stopped for a missing account or a refused voucher get another try (the
   * mapping may be fixed now), and open days follow a changed cut-off or grace period.
   */
  private async onSettings(
    next: IntegrationConfigV1,
    previous: IntegrationConfigV1 | null,
    tx: EntityManager,
  ): Promise<void> {
    const reopened = await tx.query<DayRow[]>(
      `UPDATE days SET status = 'CLOSED', next_attempt_at = now(), updated_at = now()
       WHERE company_id = $1 AND status IN ('UNMAPPED', 'FAILED')
       RETURNING company_id, location_id, business_day::text AS business_day, checkouts, posted_gross`,
      [next.companyId],
    );
    await this.statuses.publish(
      tx,
      reopened.map((r) => ({ day: ref(r), status: 'CLOSED' as const })),
    );
    const before = dayBoundaries(previous);
    const after = dayBoundaries(next);
    if (before.cutoffHour !== after.cutoffHour || before.graceMinutes !== after.graceMinutes) {
      await tx.query(
        `UPDATE days SET closes_at = ${CLOSES_AT_SQL('business_day', '$2::int', '$3::int')}, updated_at = now()
         WHERE company_id = $1 AND status = 'OPEN'`,
        [next.companyId, after.cutoffHour, after.graceMinutes],
      );
    }
    if (next.status === 'ACTIVE') setImmediate(() => this.nudge());
  }
}
