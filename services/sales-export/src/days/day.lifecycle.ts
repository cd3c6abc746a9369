import { Injectable } from '@nestjs/common';
import { CompanySettingsService, TokenRejections } from '@pos-tripletex/company-settings';
import {
  DayClosedV1,
  DayReconciliationV1,
  DayStatus,
  IntegrationConfigV1,
  UnmappedItemV1,
} from '@pos-tripletex/contracts';
import { Actor, AuditTrail, backoffDelay } from '@pos-tripletex/platform';
import { DataSource, EntityManager, Raw } from 'typeorm';
import { SERVICE_NAME } from '../bootstrap';
import { SalesExportEnv } from '../config/env.schema';
import type { VoucherEntity } from '../vouchers/entities/voucher.entity';
import { CLOSES_AT_SQL, dayBoundaries } from './day-boundaries';
import type { DayKey } from './day-key';
import { dayAlerts } from './day.alerts';
import { DayRef, DayStatusPublisher, StatusDetails } from './day-status.publisher';
import { DayClosers, DayStatuses, sqlText } from './day-statuses';
import { DayEntity } from './entities/day.entity';

const { OPEN, CLOSED, EXPORTING, POSTED, NOTHING_TO_POST, UNMAPPED, FAILED } = DayStatuses;

/**
 * Claims due days for one instance: $1 at most, each with a lease of $2 s; the oldest day of a
 * company first and never a second one of a company while one is being exported; only active
 * companies, only days from their start date on. Several instances run it at once
 * (test/claim.integration-spec.ts).
 */
export const CLAIM_DUE_DAYS_SQL = `WITH candidates AS (
         -- The oldest due day of each ACTIVE company without a day in export (ix_days_claimable):
         -- the cost follows the active companies, not the closed days of inactive ones.
         SELECT c.company_id, c.location_id, c.business_day
         FROM company_settings cs
         CROSS JOIN LATERAL (
           SELECT d.company_id, d.location_id, d.business_day FROM days d
           WHERE d.company_id = cs.company_id AND d.business_day >= cs.start_date
             AND d.status IN (${sqlText(CLOSED)}, ${sqlText(EXPORTING)})
             AND ((d.status = ${sqlText(CLOSED)} AND d.next_attempt_at <= now())
               OR (d.status = ${sqlText(EXPORTING)} AND d.lease_until < now()))
           ORDER BY d.business_day, d.location_id
           LIMIT 1
         ) c
         WHERE cs.status = 'ACTIVE' AND cs.start_date IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM days x WHERE x.company_id = cs.company_id
                             AND x.status = ${sqlText(EXPORTING)} AND x.lease_until >= now())
       ), picked AS (
         SELECT d.company_id, d.location_id, d.business_day
         FROM days d JOIN candidates c USING (company_id, location_id, business_day)
         -- Again at the locking level: when another instance claimed the day between our snapshot
         -- and our lock, PostgreSQL re-checks only these conditions on its new version.
         WHERE (d.status = ${sqlText(CLOSED)} AND d.next_attempt_at <= now())
            OR (d.status = ${sqlText(EXPORTING)} AND d.lease_until < now())
         ORDER BY d.business_day LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE days d SET status = ${sqlText(EXPORTING)}, attempts = d.attempts + 1,
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
      AND status = ${sqlText(EXPORTING)} AND lease_owner = $4
    RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** An upserted day already exported (POSTED, NOTHING_TO_POST) goes back to CLOSED for another pass. */
const REOPEN_EXPORTED_SQL = `status = CASE WHEN d.status IN (${sqlText(POSTED, NOTHING_TO_POST)}) THEN ${sqlText(CLOSED)} ELSE d.status END,
           next_attempt_at = CASE WHEN d.status IN (${sqlText(POSTED, NOTHING_TO_POST)}) THEN now() ELSE d.next_attempt_at END`;

/** A new day's status: OPEN, or CLOSED at once (by the cut-off) when its closing time is past. */
const NEW_DAY_STATUS_SQL = (closesAt: string) =>
  `CASE WHEN ${closesAt} <= now() THEN ${sqlText(CLOSED)} ELSE ${sqlText(OPEN)} END`;
/** …and its closed_at, closed_by. */
const NEW_DAY_CLOSED_SQL = (closesAt: string) =>
  `CASE WHEN ${closesAt} <= now() THEN now() END,
           CASE WHEN ${closesAt} <= now() THEN ${sqlText(DayClosers.CUTOFF)} END`;

/** What an upsert of days returns to announce them (DayRow), and the SELECT that reads it. */
const RETURNING_DAY_ROWS =
  'RETURNING d.company_id, d.location_id, d.business_day, d.status, d.checkouts, d.posted_gross';
const SELECT_DAY_ROWS =
  'SELECT company_id, location_id, business_day::text AS business_day, status, checkouts, posted_gross';

/** Days closed per statement: closing tens of thousands at once goes in steps. */
const CLOSE_CHUNK = 1000;

/** A day that could not be exported is tried again after 1 s, 2 s, … up to 10 minutes. */
const RETRY_BACKOFF = { firstMs: 1000, maxMs: 600_000 };

/** The columns a statement returns to announce a day's status. */
interface DayRow {
  company_id: string;
  location_id: string;
  business_day: string;
  checkouts: number;
  posted_gross: string;
  lease_owner?: string;
}

type DayKeyRow = Pick<DayRow, 'company_id' | 'location_id' | 'business_day'>;

const rowKey = (row: DayKeyRow) =>
  `${row.company_id}\u0000${row.location_id}\u0000${row.business_day}`;

const refOf = (row: DayRow): DayRef => ({
  companyId: row.company_id,
  locationId: row.location_id,
  businessDay: row.business_day,
  checkouts: row.checkouts,
  postedGross: Number(row.posted_gross),
});

/** A claimed day and the claim's owner token. */
export interface ClaimedDay extends DayKey {
  leaseOwner: string;
}

/** The sales of one day in a chunk of new checkouts (`recordSales`). */
export interface DaySales extends DayKey {
  checkouts: number;
  firstReceipt: string;
  lastReceipt: string;
  firstSaleAt: string;
  lastSaleAt: string;
  /** The company's cut-off hour and grace period when the sales arrived. */
  cutoffHour: number;
  graceMinutes: number;
}

/** What an export pass came to for a day (DayExportService), recorded by `finish`. */
export type DayOutcome = (
  | {
      status: typeof POSTED | typeof NOTHING_TO_POST;
      revision: number;
      postedGross: number;
      voucher?: VoucherEntity;
      reexportSeen: Date | null;
    }
  | { status: typeof UNMAPPED; unmapped: UnmappedItemV1[]; code: string; reason: string }
  | { status: typeof FAILED; code: string; reason: string }
  | { status: 'RETRY'; afterMs: number; error: string; unauthorized?: boolean }
) & {
  /** The Z-report against the sales, when the pass read the day's sales and it has one. */
  reconciliation?: DayReconciliationV1 | null;
};

/**
 * The day aggregate's state machine (README: the state diagram). Each method is a named
 * transition; it owns every statement that changes a day and writes the matching
 * sales-export.day-status.v1 to the outbox in the same transaction:
 * - `recordSales`: a new day OPEN (CLOSED at once when its closing time is past); a POSTED or
 *   NOTHING_TO_POST day back to CLOSED for a correction;
 * - `recordZReport`: the POS's count, which `closeDueDays` waits for;
 * - `closeDueDays`: OPEN → CLOSED (cut-off plus grace passed, or the Z-report's checkouts all in);
 * - `claimDue` / `extendLease`: CLOSED (due) → EXPORTING, with a lease;
 * - `finish`: EXPORTING → POSTED / NOTHING_TO_POST / UNMAPPED / FAILED, or CLOSED (retry, or
 *   sales that came in meanwhile);
 * - `requestReexport`: → CLOSED with the request;
 * - `settingsChanged`: UNMAPPED / FAILED → CLOSED; open days follow a new cut-off or grace.
 */
@Injectable()
export class DayLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statuses: DayStatusPublisher,
    private readonly settings: CompanySettingsService,
    private readonly tokenRejections: TokenRejections,
    private readonly env: SalesExportEnv,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * New sales counted into their days (count, revision, receipt range), in the transaction that
   * stores them. A new day is OPEN, or CLOSED at once when its closing time has passed (history,
   * a POS that was offline); a day already exported goes back to CLOSED for a correction voucher.
   */
  async recordSales(days: DaySales[], tx: EntityManager): Promise<void> {
    if (days.length === 0) return;
    // A stable order keeps deadlocks between writers of several days rare (the Inbox retries one).
    const input = JSON.stringify(
      [...days].sort(byDayKey).map((day) => ({
        company_id: day.companyId,
        location_id: day.locationId,
        business_day: day.businessDay,
        checkouts: day.checkouts,
        first_receipt: day.firstReceipt,
        last_receipt: day.lastReceipt,
        first_sale_at: day.firstSaleAt,
        last_sale_at: day.lastSaleAt,
        cutoff: day.cutoffHour,
        grace: day.graceMinutes,
      })),
    );
    // The statuses before, locked first and in a statement of their own: a locking read in the
    // upsert's own statement skips the rows the upsert has already changed.
    const before = new Map(
      (
        await tx.query<(DayKeyRow & { status: string })[]>(
          `SELECT d.company_id, d.location_id, d.business_day::text AS business_day, d.status
           FROM days d JOIN jsonb_to_recordset($1::jsonb)
             AS i(company_id varchar, location_id varchar, business_day date)
             USING (company_id, location_id, business_day)
           ORDER BY d.company_id, d.location_id, d.business_day
           FOR UPDATE OF d`,
          [input],
        )
      ).map((row) => [rowKey(row), row.status]),
    );
    const touched = await tx.query<(DayRow & { status: DayStatus })[]>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(company_id varchar, location_id varchar,
           business_day date, checkouts int, first_receipt varchar, last_receipt varchar,
           first_sale_at timestamptz, last_sale_at timestamptz, cutoff int, grace int)
       ), upserted AS (
         INSERT INTO days AS d (company_id, location_id, business_day, status, checkouts, revision,
           first_receipt, last_receipt, first_sale_at, last_sale_at, closes_at, closed_at, closed_by,
           next_attempt_at, created_at, updated_at)
         SELECT i.company_id, i.location_id, i.business_day,
           ${NEW_DAY_STATUS_SQL('c.closes_at')},
           i.checkouts, 1, i.first_receipt, i.last_receipt, i.first_sale_at, i.last_sale_at, c.closes_at,
           ${NEW_DAY_CLOSED_SQL('c.closes_at')},
           now(), now(), now()
         FROM input i CROSS JOIN LATERAL (SELECT ${CLOSES_AT_SQL('i.business_day', 'i.cutoff', 'i.grace')} AS closes_at) c
         ON CONFLICT (company_id, location_id, business_day) DO UPDATE SET
           checkouts = d.checkouts + EXCLUDED.checkouts,
           revision = d.revision + 1,
           first_receipt = CASE WHEN d.first_sale_at IS NULL OR EXCLUDED.first_sale_at < d.first_sale_at
                                THEN EXCLUDED.first_receipt ELSE d.first_receipt END,
           first_sale_at = LEAST(d.first_sale_at, EXCLUDED.first_sale_at),
           last_receipt = CASE WHEN d.last_sale_at IS NULL OR EXCLUDED.last_sale_at >= d.last_sale_at
                               THEN EXCLUDED.last_receipt ELSE d.last_receipt END,
           last_sale_at = GREATEST(d.last_sale_at, EXCLUDED.last_sale_at),
           ${REOPEN_EXPORTED_SQL},
           updated_at = now()
         ${RETURNING_DAY_ROWS}
       ) ${SELECT_DAY_ROWS} FROM upserted`,
      [input],
    );
    await this.statuses.publish(
      tx,
      touched
        .filter((row) => row.status !== before.get(rowKey(row)))
        .map((row) => ({ day: refOf(row), status: row.status })),
    );
  }

  /**
   * The POS's Z-report (pos.day.closed.v1): what it counted, so the day closes once as many
   * checkouts are in (`closeDueDays`), and the cash counted in the drawer. A day not seen yet is
   * created OPEN. The report changes what the day's voucher holds (its cash difference) and what
   * it is reconciled against, so the revision rises and an exported day goes back to CLOSED for
   * another pass (a correction if the counted cash changed).
   */
  async recordZReport(report: DayClosedV1, tx: EntityManager): Promise<void> {
    const settings = await this.settings.settingsFor([report.companyId], tx);
    const { cutoffHour, graceMinutes } = dayBoundaries(settings.get(report.companyId));
    const [before] = await tx.query<{ status: string }[]>(
      `SELECT status FROM days WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date
       FOR UPDATE`,
      [report.companyId, report.locationId, report.businessDay],
    );
    const [row] = await tx.query<(DayRow & { status: DayStatus })[]>(
      `WITH upserted AS (
         INSERT INTO days AS d (company_id, location_id, business_day, status, closes_at,
           z_checkout_count, z_total_gross, z_counted_cash, z_received_at, next_attempt_at,
           created_at, updated_at)
         VALUES ($1, $2, $3::date, ${sqlText(OPEN)}, ${CLOSES_AT_SQL('$3::date', '$7::int', '$8::int')},
           $4, $5, $6, now(), now(), now(), now())
         ON CONFLICT (company_id, location_id, business_day) DO UPDATE SET
           z_checkout_count = EXCLUDED.z_checkout_count, z_total_gross = EXCLUDED.z_total_gross,
           z_counted_cash = EXCLUDED.z_counted_cash, z_received_at = now(), revision = d.revision + 1,
           ${REOPEN_EXPORTED_SQL},
           updated_at = now()
         ${RETURNING_DAY_ROWS}
       ) ${SELECT_DAY_ROWS} FROM upserted`,
      [
        report.companyId,
        report.locationId,
        report.businessDay,
        report.checkoutCount ?? null,
        report.totalGross ?? null,
        report.countedCash ?? null,
        cutoffHour,
        graceMinutes,
      ],
    );
    if (before && before.status !== row.status)
      await this.statuses.publish(tx, [{ day: refOf(row), status: row.status }]);
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

  private closeSomeDueDays(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const closed = await tx.query<DayRow[]>(
        `WITH due AS (
           SELECT company_id, location_id, business_day FROM days
           WHERE status = ${sqlText(OPEN)} AND (closes_at <= now()
             OR (z_received_at IS NOT NULL AND (z_checkout_count IS NULL OR checkouts >= z_checkout_count)))
           LIMIT ${CLOSE_CHUNK}
           FOR UPDATE SKIP LOCKED
         ), closed AS (
           UPDATE days d SET status = ${sqlText(CLOSED)}, closed_at = now(),
             closed_by = CASE WHEN d.closes_at <= now() THEN ${sqlText(DayClosers.CUTOFF)} ELSE ${sqlText(DayClosers.Z_REPORT)} END,
             next_attempt_at = now(), updated_at = now()
           FROM due WHERE (d.company_id, d.location_id, d.business_day) = (due.company_id, due.location_id, due.business_day)
           RETURNING d.company_id, d.location_id, d.business_day::text AS business_day, d.checkouts, d.posted_gross
         ) SELECT * FROM closed`,
      );
      await this.statuses.publish(
        tx,
        closed.map((row) => ({ day: refOf(row), status: CLOSED })),
      );
      return closed.length;
    });
  }

  /**
   * CLOSED (due) → EXPORTING, with a lease of EXPORT_LEASE_SECONDS: at most `limit` days of
   * active companies from their start date on, the oldest per company, never a second one of a
   * company while one is in progress. A day whose lease ran out (its worker died) is claimed again.
   */
  async claimDue(limit: number): Promise<ClaimedDay[]> {
    const claimed = await this.dataSource.query<DayRow[]>(CLAIM_DUE_DAYS_SQL, [
      limit,
      this.env.EXPORT_LEASE_SECONDS,
    ]);
    return claimed.map((row) => ({
      companyId: row.company_id,
      locationId: row.location_id,
      businessDay: row.business_day,
      leaseOwner: row.lease_owner as string,
    }));
  }

  /** Extends the claim's lease; false when the day is no longer ours. */
  async extendLease(claimed: ClaimedDay): Promise<boolean> {
    const extended = await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
      claimed.companyId,
      claimed.locationId,
      claimed.businessDay,
      claimed.leaseOwner,
      this.env.EXPORT_LEASE_SECONDS,
    ]);
    return extended.length > 0;
  }

  /**
   * EXPORTING → the outcome, only while the claim still holds the day (owner and lease end checked
   * in the database); false when it was taken over after the lease ran out. POSTED and
   * NOTHING_TO_POST become CLOSED again when sales or a re-export request came in meanwhile; a
   * retry is CLOSED with the next attempt backed off (announced to nobody: nothing changed for
   * the POS), and a refused company token is reported to onboarding in the same transaction.
   */
  async finish(claimed: ClaimedDay, outcome: DayOutcome): Promise<boolean> {
    const { leaseOwner, ...key } = claimed;
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(DayEntity);
      const day = await repo.findOne({
        where: {
          ...key,
          status: EXPORTING,
          leaseOwner,
          leaseUntil: Raw((column) => `${column} >= now()`),
        },
        lock: { mode: 'pessimistic_write' },
      });
      if (!day) return false;
      day.leaseUntil = null;
      day.leaseOwner = null;
      day.updatedAt = new Date();
      let details: StatusDetails | undefined;
      const before = {
        failureCode: day.failureCode,
        mismatches: day.reconciliation?.mismatches?.length ?? 0,
      };
      if (outcome.reconciliation !== undefined) day.reconciliation = outcome.reconciliation;
      switch (outcome.status) {
        case POSTED:
        case NOTHING_TO_POST:
          details = this.exported(day, outcome);
          break;
        case UNMAPPED:
          day.status = UNMAPPED;
          day.unmapped = outcome.unmapped;
          day.failureCode = outcome.code;
          day.lastError = outcome.reason;
          details = { unmapped: outcome.unmapped, code: outcome.code, reason: outcome.reason };
          break;
        case FAILED:
          day.status = FAILED;
          day.failureCode = outcome.code;
          day.lastError = outcome.reason;
          details = { code: outcome.code, reason: outcome.reason };
          break;
        case 'RETRY': {
          day.status = CLOSED;
          const delay = Math.max(outcome.afterMs, backoffDelay(RETRY_BACKOFF, day.attempts));
          day.nextAttemptAt = new Date(Date.now() + delay);
          day.lastError = outcome.error.slice(0, 2000);
          if (outcome.unauthorized)
            await this.tokenRejections.report(tx, {
              companyId: key.companyId,
              service: SERVICE_NAME,
              message: outcome.error,
            });
          break;
        }
      }
      await repo.save(day);
      if (outcome.status !== 'RETRY')
        await this.statuses.publish(tx, [
          {
            day: { ...key, checkouts: day.checkouts, postedGross: Number(day.postedGross) },
            status: day.status as DayStatus,
            details: { ...details, reconciliation: day.reconciliation ?? undefined },
          },
        ]);
      if (outcome.status !== 'RETRY')
        await this.statuses.alerts(
          tx,
          // The outcome, not the day's new status: a day POSTED and CLOSED again for sales that
          // came in meanwhile no longer has the failure it had.
          dayAlerts(key, before, outcome.status, {
            ...details,
            reconciliation: outcome.reconciliation ?? undefined,
          }),
        );
      return true;
    });
  }

  /** The day's vouchers account for its sales (as of `outcome.revision`). */
  private exported(
    day: DayEntity,
    outcome: Extract<DayOutcome, { status: typeof POSTED | typeof NOTHING_TO_POST }>,
  ): StatusDetails | undefined {
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
    day.status = day.revision > outcome.revision || reexportAgain ? CLOSED : outcome.status;
    day.nextAttemptAt = new Date();
    const voucher = outcome.voucher;
    if (!voucher?.tripletexId) return undefined;
    return {
      voucher: {
        kind: voucher.kind,
        voucherId: voucher.tripletexId,
        number: voucher.tripletexNumber ?? undefined,
        year: voucher.tripletexYear ?? undefined,
        externalVoucherNumber: voucher.externalNumber,
        sentToLedger: voucher.sendToLedger,
      },
    };
  }

  /**
   * A re-export request: the day goes (back) to CLOSED with the request noted, so the next pass
   * reverses its vouchers and posts a new one; a day being exported keeps EXPORTING and its
   * worker's `finish` sees the newer request. Returns the day's status after the request. Every
   * request is an operator's action of its own: the audit record (who, the status before and
   * after) is written in the same transaction.
   */
  async requestReexport(
    key: DayKey,
    actor: Actor,
    correlationId?: string,
  ): Promise<DayStatus | typeof EXPORTING> {
    return this.dataSource.transaction(async (tx) => {
      // Ends in a SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
      const [row] = await tx.query<
        (DayRow & {
          status: DayStatus | typeof EXPORTING;
          changed: boolean;
          before_status: string;
          before_requested_at: Date | null;
          requested_at: Date;
        })[]
      >(
        `WITH before AS (
           SELECT status, reexport_requested_at FROM days WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date FOR UPDATE
         ), requested AS (
           UPDATE days d SET reexport_requested_at = now(), updated_at = now(), next_attempt_at = now(),
             attempts = 0,
             status = CASE WHEN d.status IN (${sqlText(EXPORTING)}) THEN d.status ELSE ${sqlText(CLOSED)} END,
             closed_at = COALESCE(d.closed_at, now()), closed_by = COALESCE(d.closed_by, ${sqlText(DayClosers.REQUEST)})
           FROM before
           WHERE d.company_id = $1 AND d.location_id = $2 AND d.business_day = $3::date
           RETURNING d.status, d.checkouts, d.posted_gross, before.status <> d.status AS changed,
             before.status AS before_status, before.reexport_requested_at AS before_requested_at,
             d.reexport_requested_at AS requested_at
         ) SELECT * FROM requested`,
        [key.companyId, key.locationId, key.businessDay],
      );
      await this.audit.record(tx, {
        companyId: key.companyId,
        actor,
        action: 'day.reexport.requested',
        target: `days/${key.locationId}/${key.businessDay}`,
        before: { status: row.before_status, reexportRequestedAt: row.before_requested_at },
        after: { status: row.status, reexportRequestedAt: row.requested_at },
        correlationId,
        always: true,
      });
      if (row.changed)
        await this.statuses.publish(tx, [
          {
            day: { ...key, checkouts: row.checkouts, postedGross: Number(row.posted_gross) },
            status: CLOSED,
          },
        ]);
      return row.status;
    });
  }

  /**
   * New settings of a company, in the transaction that stores them: days stopped for a missing
   * account or a refused voucher get another try (UNMAPPED / FAILED → CLOSED; the mapping may be
   * fixed now), and open days follow a changed cut-off or grace period.
   */
  async settingsChanged(
    next: IntegrationConfigV1,
    previous: IntegrationConfigV1 | null,
    tx: EntityManager,
  ): Promise<void> {
    // Ends in a SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const reopened = await tx.query<DayRow[]>(
      `WITH reopened AS (
         UPDATE days SET status = ${sqlText(CLOSED)}, next_attempt_at = now(), updated_at = now()
         WHERE company_id = $1 AND status IN (${sqlText(UNMAPPED, FAILED)})
         RETURNING company_id, location_id, business_day::text AS business_day, checkouts, posted_gross
       ) SELECT * FROM reopened`,
      [next.companyId],
    );
    await this.statuses.publish(
      tx,
      reopened.map((row) => ({ day: refOf(row), status: CLOSED })),
    );
    const before = dayBoundaries(previous);
    const after = dayBoundaries(next);
    if (before.cutoffHour !== after.cutoffHour || before.graceMinutes !== after.graceMinutes) {
      await tx.query(
        `UPDATE days SET closes_at = ${CLOSES_AT_SQL('business_day', '$2::int', '$3::int')}, updated_at = now()
         WHERE company_id = $1 AND status = ${sqlText(OPEN)}`,
        [next.companyId, after.cutoffHour, after.graceMinutes],
      );
    }
  }
  /**
   * The company's cut-off changed (or its first settings came after sales stored with the
   * default): `moveSales` moves the sales (SalesRepository.followCutoff) while the company's days
   * are locked, and every day that lost or gained sales is recounted from them, its revision
   * raised: a new day is OPEN (CLOSED when its closing time has passed), an exported day goes
   * back to CLOSED for its correction, a day being exported gets another pass when its worker
   * finishes. In the settings' transaction.
   */
  async cutoffChanged(
    companyId: string,
    boundaries: { cutoffHour: number; graceMinutes: number },
    moveSales: () => Promise<DayKey[]>,
    tx: EntityManager,
  ): Promise<void> {
    // The company's days first, in a stable order: no export can finish on a day in between.
    await tx.query(
      `SELECT 1 FROM days WHERE company_id = $1 ORDER BY location_id, business_day FOR UPDATE`,
      [companyId],
    );
    const moved = await moveSales();
    if (moved.length === 0) return;
    const input = JSON.stringify(
      [...moved].sort(byDayKey).map((day) => ({
        location_id: day.locationId,
        business_day: day.businessDay,
      })),
    );
    const touched = await tx.query<(DayRow & { status: DayStatus | typeof EXPORTING })[]>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS i(location_id varchar, business_day date)
       ), counted AS (
         SELECT i.location_id, i.business_day, count(s.event_id)::int AS checkouts,
           (array_agg(s.receipt_number ORDER BY s.completed_at, s.receipt_number) FILTER (WHERE s.event_id IS NOT NULL))[1] AS first_receipt,
           (array_agg(s.receipt_number ORDER BY s.completed_at DESC, s.receipt_number DESC) FILTER (WHERE s.event_id IS NOT NULL))[1] AS last_receipt,
           min(s.completed_at) AS first_sale_at, max(s.completed_at) AS last_sale_at
         FROM input i LEFT JOIN sales s ON s.company_id = $1 AND s.location_id = i.location_id
           AND s.business_day = i.business_day
         GROUP BY i.location_id, i.business_day
       ), upserted AS (
         INSERT INTO days AS d (company_id, location_id, business_day, status, checkouts, revision,
           first_receipt, last_receipt, first_sale_at, last_sale_at, closes_at, closed_at, closed_by,
           next_attempt_at, created_at, updated_at)
         SELECT $1, c.location_id, c.business_day,
           ${NEW_DAY_STATUS_SQL('x.closes_at')},
           c.checkouts, 1, c.first_receipt, c.last_receipt, c.first_sale_at, c.last_sale_at, x.closes_at,
           ${NEW_DAY_CLOSED_SQL('x.closes_at')},
           now(), now(), now()
         FROM counted c CROSS JOIN LATERAL (SELECT ${CLOSES_AT_SQL('c.business_day', '$3::int', '$4::int')} AS closes_at) x
         ON CONFLICT (company_id, location_id, business_day) DO UPDATE SET
           checkouts = EXCLUDED.checkouts, revision = d.revision + 1,
           first_receipt = EXCLUDED.first_receipt, last_receipt = EXCLUDED.last_receipt,
           first_sale_at = EXCLUDED.first_sale_at, last_sale_at = EXCLUDED.last_sale_at,
           ${REOPEN_EXPORTED_SQL},
           updated_at = now()
         ${RETURNING_DAY_ROWS}
       ) ${SELECT_DAY_ROWS} FROM upserted`,
      [companyId, input, boundaries.cutoffHour, boundaries.graceMinutes],
    );
    // Every touched day is announced: its count changed even where its status did not (a day
    // being exported is announced when its worker finishes).
    await this.statuses.publish(
      tx,
      touched.flatMap((row) =>
        row.status === EXPORTING ? [] : [{ day: refOf(row), status: row.status }],
      ),
    );
  }
}

function byDayKey(a: DayKey, b: DayKey): number {
  const keyOf = (day: DayKey) => `${day.companyId}\u0000${day.locationId}\u0000${day.businessDay}`;
  const [left, right] = [keyOf(a), keyOf(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}
