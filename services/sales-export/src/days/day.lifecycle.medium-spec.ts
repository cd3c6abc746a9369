import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { AlertV1, DayStatusV1, IntegrationConfigV1, Topics } from '@pos-tripletex/contracts';
import { BatchConsumers } from '@pos-tripletex/messaging';
import { addDays, osloToday, SecretBindings } from '@pos-tripletex/platform';
import {
  aCheckout,
  aDayClosed,
  anIntegrationConfig,
  MediumTest,
  testOperator,
  uniqueName,
} from '@pos-tripletex/testing';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { parsed } from '../../test/sales-export.fixtures';
import { createDataSource } from '../database/setup';
import { SalesService } from '../sales/sales.service';
import type { VoucherEntity } from '../vouchers/entities/voucher.entity';
import { ClaimedDay, DayLifecycle, DayOutcome, DaySales } from './day.lifecycle';
import type { DayKey } from './day-key';
import { DayStatuses } from './day-statuses';
import { DaysService } from './days.service';
import { DayEntity } from './entities/day.entity';
import { ExportWorker } from './export.worker';

// Each transition of the day aggregate on its own, in-process over a fresh schema: the rows it
// leaves and the status events it writes to the outbox in the same transaction. The service's
// export worker and checkout consumer are stopped, so only the test moves days.

let medium: MediumTest;
let lifecycle: DayLifecycle;
let dataSource: DataSource;
let version = 0;

const today = osloToday();
const daysAgo = (n: number) => addDays(today, -n);

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'sales_export_days',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: { EXPORT_POLL_MS: '60000', EXPORT_LEASE_SECONDS: '30' },
  });
  await medium.get(ExportWorker).onApplicationShutdown();
  await medium.get(BatchConsumers).beforeApplicationShutdown();
  lifecycle = medium.get(DayLifecycle);
  dataSource = medium.get(DataSource);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

// Claims look at every company's days: each test starts from no days at all.
beforeEach(async () => {
  await dataSource.query('TRUNCATE days, sales, vouchers');
});

/** The company's settings as onboarding publishes them, stored as the settings consumer does. */
async function settings(
  companyId: string,
  overrides: Partial<Parameters<typeof anIntegrationConfig>[0]> = {},
): Promise<IntegrationConfigV1> {
  const config = parsed(
    Topics.IntegrationConfigV1,
    anIntegrationConfig({
      companyId,
      version: ++version,
      tripletexCompanyId: 1,
      employeeToken: medium.box.seal('employee-token', SecretBindings.tripletexToken(companyId)),
      startDate: daysAgo(60),
      mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
      ...overrides,
    }),
  );
  await dataSource.transaction((tx) => medium.get(CompanySettingsService).apply(config, tx));
  return config;
}

function sales(key: DayKey, checkouts = 1): DaySales {
  const at = `${key.businessDay}T12:00:00+01:00`;
  return {
    ...key,
    checkouts,
    firstReceipt: '1',
    lastReceipt: String(checkouts),
    firstSaleAt: at,
    lastSaleAt: at,
    cutoffHour: 4,
    graceMinutes: 30,
  };
}

const recordSales = (...days: DaySales[]) =>
  dataSource.transaction((tx) => lifecycle.recordSales(days, tx));

const dayKey = (companyId: string, businessDay: string): DayKey => ({
  companyId,
  locationId: 'oslo-sentrum',
  businessDay,
});

const dayOf = ({ companyId, locationId, businessDay }: DayKey) =>
  dataSource.getRepository(DayEntity).findOneByOrFail({ companyId, locationId, businessDay });

/** The status events the outbox holds for the company, oldest first. */
async function statusEvents(companyId: string): Promise<DayStatusV1[]> {
  const rows = await dataSource.query<{ value: string }[]>(
    'SELECT value FROM outbox_messages WHERE topic = $1 AND key = $2 ORDER BY id',
    [Topics.DayStatusV1, companyId],
  );
  return rows.map((row) => JSON.parse(row.value) as DayStatusV1);
}

/** The alerts the outbox holds for the company, oldest first. */
async function alertEvents(companyId: string): Promise<AlertV1[]> {
  const rows = await dataSource.query<{ value: string }[]>(
    'SELECT value FROM outbox_messages WHERE topic = $1 AND key = $2 ORDER BY id',
    [Topics.AlertsV1, companyId],
  );
  return rows.map((row) => JSON.parse(row.value) as AlertV1);
}

const statusesOf = async (companyId: string) =>
  (await statusEvents(companyId)).map((event) => `${event.businessDay} ${event.status}`);

/** An active company with a CLOSED, due day, claimed. */
async function claimedDay(day = daysAgo(3)): Promise<ClaimedDay> {
  const companyId = uniqueName('co');
  await settings(companyId);
  await recordSales(sales(dayKey(companyId, day)));
  const [claimed] = await lifecycle.claimDue(10);
  expect(claimed).toMatchObject(dayKey(companyId, day));
  return claimed;
}

const posted = (revision: number): DayOutcome => ({
  status: DayStatuses.POSTED,
  revision,
  postedGross: 12_300,
  reexportSeen: null,
  voucher: {
    kind: 'ORIGINAL',
    tripletexId: 4711,
    tripletexNumber: 12,
    tripletexYear: 2026,
    externalNumber: 'POS-abc123-20261124-0-oslo-sentrum',
    sendToLedger: true,
  } as VoucherEntity,
});

describe(DayLifecycle.name, () => {
  describe('recordSales', () => {
    it('opens a day for its first sales and announces it OPEN', async () => {
      const companyId = uniqueName('co');
      await recordSales(sales(dayKey(companyId, today), 2));
      expect(await dayOf(dayKey(companyId, today))).toMatchObject({
        status: DayStatuses.OPEN,
        checkouts: 2,
        revision: 1,
      });
      expect(await statusEvents(companyId)).toMatchObject([
        { businessDay: today, status: DayStatuses.OPEN, checkouts: 2 },
      ]);
    });

    it('closes a new day at once when its cut-off plus grace has passed (history, a POS offline)', async () => {
      const companyId = uniqueName('co');
      await recordSales(sales(dayKey(companyId, daysAgo(2))));
      expect(await dayOf(dayKey(companyId, daysAgo(2)))).toMatchObject({
        status: DayStatuses.CLOSED,
        closedBy: 'CUTOFF',
      });
      expect(await statusesOf(companyId)).toEqual([`${daysAgo(2)} CLOSED`]);
    });

    it('reopens an exported day for a correction when a late sale arrives', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, posted(1));
      await recordSales(sales(claimed));
      expect(await dayOf(claimed)).toMatchObject({
        status: DayStatuses.CLOSED,
        revision: 2,
        checkouts: 2,
        exportedRevision: 1,
      });
      expect((await statusEvents(claimed.companyId)).map((event) => event.status)).toEqual([
        DayStatuses.CLOSED,
        DayStatuses.POSTED,
        DayStatuses.CLOSED,
      ]);
    });

    it('announces nothing for sales on days whose status stays (open, or being exported)', async () => {
      const claimed = await claimedDay();
      const open = dayKey(claimed.companyId, today);
      await recordSales(sales(open));
      const before = await statusEvents(claimed.companyId);
      await recordSales(sales(claimed), sales(open));
      expect(await dayOf(claimed)).toMatchObject({ status: DayStatuses.EXPORTING, checkouts: 2 });
      expect(await dayOf(open)).toMatchObject({ status: DayStatuses.OPEN, checkouts: 2 });
      expect(await statusEvents(claimed.companyId)).toEqual(before);
    });
  });

  describe('closeDueDays', () => {
    it('closes an open day once its cut-off plus grace has passed', async () => {
      const companyId = uniqueName('co');
      const key = dayKey(companyId, today);
      await recordSales(sales(key));
      await dataSource.query(
        `UPDATE days SET closes_at = now() - interval '1 second' WHERE company_id = $1`,
        [companyId],
      );
      expect(await lifecycle.closeDueDays()).toBe(1);
      expect(await dayOf(key)).toMatchObject({ status: DayStatuses.CLOSED, closedBy: 'CUTOFF' });
      expect(await statusesOf(companyId)).toEqual([`${today} OPEN`, `${today} CLOSED`]);
    });

    it('closes a day on its Z-report only once as many checkouts as it counted are in', async () => {
      const companyId = uniqueName('co');
      const key = dayKey(companyId, today);
      await recordSales(sales(key));
      await dataSource.transaction((tx) =>
        lifecycle.recordZReport(
          parsed(
            Topics.DayClosedV1,
            aDayClosed({ companyId, businessDay: today, checkoutCount: 2 }),
          ),
          tx,
        ),
      );
      await lifecycle.closeDueDays();
      expect(await dayOf(key)).toMatchObject({ status: DayStatuses.OPEN, zCheckoutCount: 2 });
      await recordSales(sales(key));
      await lifecycle.closeDueDays();
      expect(await dayOf(key)).toMatchObject({
        status: DayStatuses.CLOSED,
        closedBy: 'Z_REPORT',
        checkouts: 2,
      });
      expect(await statusesOf(companyId)).toEqual([`${today} OPEN`, `${today} CLOSED`]);
      // …and BackOffice sees why it closed.
      expect(await medium.get(DaysService).day(key)).toMatchObject({
        closedBy: 'Z_REPORT',
        zReport: { checkoutCount: 2 },
      });
    });
  });

  describe('claimDue', () => {
    it('claims the oldest due day of a company and no second one while it is exported', async () => {
      const companyId = uniqueName('co');
      await settings(companyId);
      await recordSales(
        sales(dayKey(companyId, daysAgo(3))),
        sales(dayKey(companyId, daysAgo(5))),
        sales(dayKey(companyId, daysAgo(4))),
      );
      const claimed = await lifecycle.claimDue(10);
      expect(claimed).toEqual([
        { ...dayKey(companyId, daysAgo(5)), leaseOwner: expect.any(String) },
      ]);
      expect(await lifecycle.claimDue(10)).toEqual([]);
      expect(await dayOf(claimed[0])).toMatchObject({
        status: DayStatuses.EXPORTING,
        leaseOwner: claimed[0].leaseOwner,
        attempts: 1,
      });
    });

    it('claims a day again once its lease has run out, and the old claim can no longer finish it', async () => {
      const first = await claimedDay();
      await dataSource.query(
        `UPDATE days SET lease_until = now() - interval '1 second' WHERE company_id = $1`,
        [first.companyId],
      );
      const [again] = await lifecycle.claimDue(10);
      expect(again).toMatchObject({ ...dayKey(first.companyId, first.businessDay) });
      expect(again.leaseOwner).not.toBe(first.leaseOwner);
      expect(await lifecycle.extendLease(first)).toBe(false);
      expect(await lifecycle.finish(first, posted(1))).toBe(false);
      expect(await dayOf(first)).toMatchObject({
        status: DayStatuses.EXPORTING,
        leaseOwner: again.leaseOwner,
      });
    });

    it('claims no day before the start date, and none of an inactive company', async () => {
      const early = uniqueName('co');
      await settings(early, { startDate: daysAgo(2) });
      const inactive = uniqueName('co');
      await settings(inactive, { status: 'INACTIVE' });
      await recordSales(sales(dayKey(early, daysAgo(3))), sales(dayKey(inactive, daysAgo(3))));
      expect(await lifecycle.claimDue(10)).toEqual([]);
    });
  });

  describe('finish', () => {
    it('records POSTED with the voucher and announces it', async () => {
      const claimed = await claimedDay();
      expect(await lifecycle.finish(claimed, posted(1))).toBe(true);
      expect(await dayOf(claimed)).toMatchObject({
        status: DayStatuses.POSTED,
        exportedRevision: 1,
        postedGross: '12300',
        leaseOwner: null,
        attempts: 0,
      });
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.POSTED,
        postedGross: 12_300,
        voucher: {
          kind: 'ORIGINAL',
          voucherId: 4711,
          number: 12,
          year: 2026,
          externalVoucherNumber: 'POS-abc123-20261124-0-oslo-sentrum',
          sentToLedger: true,
        },
      });
    });

    it('records NOTHING_TO_POST and announces it', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, {
        status: DayStatuses.NOTHING_TO_POST,
        revision: 1,
        postedGross: 0,
        reexportSeen: null,
      });
      expect(await dayOf(claimed)).toMatchObject({ status: DayStatuses.NOTHING_TO_POST });
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.NOTHING_TO_POST,
        postedGross: 0,
      });
    });

    it('records UNMAPPED with what is unmapped and announces it', async () => {
      const claimed = await claimedDay();
      const unmapped = [{ kind: 'PAYMENT_METHOD' as const, id: 'vipps' }];
      await lifecycle.finish(claimed, {
        status: DayStatuses.UNMAPPED,
        unmapped,
        code: 'SALES_EXPORT.UNMAPPED',
        reason: 'No account is mapped for payment method vipps',
      });
      expect(await dayOf(claimed)).toMatchObject({
        status: DayStatuses.UNMAPPED,
        unmapped,
        failureCode: 'SALES_EXPORT.UNMAPPED',
      });
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.UNMAPPED,
        unmapped,
        code: 'SALES_EXPORT.UNMAPPED',
        reason: 'No account is mapped for payment method vipps',
      });
    });

    it('records FAILED with the code and reason and announces it', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, {
        status: DayStatuses.FAILED,
        code: 'SALES_EXPORT.TRIPLETEX_REJECTED',
        reason: 'Tripletex: the account is locked',
      });
      expect(await dayOf(claimed)).toMatchObject({
        status: DayStatuses.FAILED,
        failureCode: 'SALES_EXPORT.TRIPLETEX_REJECTED',
        lastError: 'Tripletex: the account is locked',
      });
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.FAILED,
        code: 'SALES_EXPORT.TRIPLETEX_REJECTED',
        reason: 'Tripletex: the account is locked',
      });
    });

    it('closes the day again instead of POSTED when sales came in during the export', async () => {
      const claimed = await claimedDay();
      await recordSales(sales(claimed));
      await lifecycle.finish(claimed, posted(1));
      expect(await dayOf(claimed)).toMatchObject({
        status: DayStatuses.CLOSED,
        revision: 2,
        exportedRevision: 1,
      });
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.CLOSED,
      });
    });

    it('keeps a day to retry CLOSED with a later attempt, announces nothing, and reports a refused token', async () => {
      const claimed = await claimedDay();
      const before = await statusEvents(claimed.companyId);
      await lifecycle.finish(claimed, {
        status: 'RETRY',
        afterMs: 60_000,
        error: 'Tripletex refused the company token',
        unauthorized: true,
      });
      const day = await dayOf(claimed);
      expect(day).toMatchObject({
        status: DayStatuses.CLOSED,
        lastError: 'Tripletex refused the company token',
      });
      expect(day.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(await statusEvents(claimed.companyId)).toEqual(before);
      const [rejection] = await dataSource.query<{ value: string }[]>(
        'SELECT value FROM outbox_messages WHERE topic = $1 AND key = $2',
        [Topics.TripletexAuthFailedV1, claimed.companyId],
      );
      expect(JSON.parse(rejection.value)).toMatchObject({
        companyId: claimed.companyId,
        service: 'sales-export',
        message: 'Tripletex refused the company token',
      });
    });
  });

  describe('requestReexport', () => {
    it('closes an exported day again with the request noted, and announces it', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, posted(1));
      expect(await lifecycle.requestReexport(claimed, testOperator)).toBe(DayStatuses.CLOSED);
      const day = await dayOf(claimed);
      expect(day.status).toBe(DayStatuses.CLOSED);
      expect(day.reexportRequestedAt).toBeInstanceOf(Date);
      expect((await statusEvents(claimed.companyId)).at(-1)).toMatchObject({
        status: DayStatuses.CLOSED,
      });
    });
  });

  describe('settingsChanged', () => {
    it('gives unmapped and failed days another try on new settings', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, {
        status: DayStatuses.FAILED,
        code: 'SALES_EXPORT.INVALID_VOUCHER',
        reason: 'The voucher cannot be made',
      });
      await settings(claimed.companyId);
      expect(await dayOf(claimed)).toMatchObject({ status: DayStatuses.CLOSED });
      const [{ nameless }] = await dataSource.query<{ nameless: number }[]>(
        'SELECT count(*)::int AS nameless FROM outbox_messages WHERE topic = $1 AND key IS NULL',
        [Topics.DayStatusV1],
      );
      expect(nameless).toBe(0);
      expect((await statusEvents(claimed.companyId)).map((event) => event.status)).toEqual([
        DayStatuses.CLOSED,
        DayStatuses.FAILED,
        DayStatuses.CLOSED,
      ]);
    });

    it('raises day-unmapped with the UNMAPPED status, keeps it through a new try, and resolves it once the day’s voucher posts (even with a correction to come)', async () => {
      const claimed = await claimedDay();
      await lifecycle.finish(claimed, {
        status: DayStatuses.UNMAPPED,
        unmapped: [{ kind: 'PAYMENT_METHOD', id: 'vipps' }],
        code: 'SALES_EXPORT.UNMAPPED',
        reason: 'Not mapped yet: payment method vipps.',
      });
      const key = `day-unmapped:${claimed.locationId}:${claimed.businessDay}`;
      expect(await alertEvents(claimed.companyId)).toEqual([
        expect.objectContaining({
          alertKey: key,
          kind: 'DAY_UNMAPPED',
          state: 'OPEN',
          source: 'sales-export',
          message: expect.stringContaining('payment method vipps under payment methods'),
          details: expect.objectContaining({ unmapped: [{ kind: 'PAYMENT_METHOD', id: 'vipps' }] }),
        }),
      ]);
      await settings(claimed.companyId); // mapped: the day is CLOSED again, the alert stays
      expect(await alertEvents(claimed.companyId)).toHaveLength(1);
      const [again] = await lifecycle.claimDue(10);
      expect(again).toMatchObject(dayKey(claimed.companyId, claimed.businessDay));
      // Its voucher posts while a late sale comes in: CLOSED again for the correction, but mapped.
      await recordSales(sales(claimed));
      await lifecycle.finish(again, posted(1));
      expect(await dayOf(claimed)).toMatchObject({ status: DayStatuses.CLOSED });
      expect((await alertEvents(claimed.companyId)).map((a) => `${a.state} ${a.alertKey}`)).toEqual(
        [`OPEN ${key}`, `RESOLVED ${key}`],
      );
    });

    it('raises Z_REPORT_NOT_RECONCILED with the POSTED day whose Z-report disagrees, and resolves it once a correction adds up', async () => {
      const claimed = await claimedDay();
      const reconciliation = (mismatches: string[]) => ({
        zCheckoutCount: 2,
        checkouts: mismatches.length ? 1 : 2,
        salesGross: 12_300,
        expectedCash: 0,
        mismatches,
      });
      await lifecycle.finish(claimed, {
        ...posted(1),
        reconciliation: reconciliation(['the Z-report counts 2 checkouts, but 1 were received']),
      });
      const key = `z-report:${claimed.locationId}:${claimed.businessDay}`;
      expect(await alertEvents(claimed.companyId)).toEqual([
        expect.objectContaining({
          alertKey: key,
          kind: 'Z_REPORT_NOT_RECONCILED',
          state: 'OPEN',
          severity: 'WARNING',
          message: expect.stringMatching(
            /^the Z-report counts 2 checkouts, but 1 were received\. /,
          ),
        }),
      ]);
      await lifecycle.requestReexport(claimed, testOperator);
      const [again] = await lifecycle.claimDue(10);
      await lifecycle.finish(again, { ...posted(1), reconciliation: reconciliation([]) });
      expect((await alertEvents(claimed.companyId)).map((a) => `${a.state} ${a.alertKey}`)).toEqual(
        [`OPEN ${key}`, `RESOLVED ${key}`],
      );
    });

    it('moves the closing time of open days when the cut-off changes', async () => {
      const companyId = uniqueName('co');
      await settings(companyId);
      const key = dayKey(companyId, today);
      await recordSales(sales(key));
      const before = (await dayOf(key)).closesAt;
      await settings(companyId, { dayCutoffHour: 6 });
      const after = (await dayOf(key)).closesAt;
      expect(after.getTime() - before.getTime()).toBe(2 * 3600_000);
    });
  });

  describe('cutoffChanged (sales follow the company’s current cut-off)', () => {
    /** Checkouts stored as the checkout consumer stores them (one card sale of 100 kr each). */
    const checkouts = (companyId: string, ...completedAt: string[]) =>
      dataSource.transaction((tx) =>
        medium.get(SalesService).record(
          completedAt.map((at, i) =>
            parsed(
              Topics.CheckoutCompletedV1,
              aCheckout({
                companyId,
                completedAt: at,
                receiptNumber: `R${i + 1}`,
                lines: [{ unitPriceGross: 10_000 }],
              }),
            ),
          ),
          tx,
        ),
      );

    /** An Oslo wall time on a day, as RFC 3339 with the offset of that day (summer or winter). */
    const osloAt = (day: string, time: string) =>
      DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Oslo' }).toISO() as string;

    const salesPerDay = async (companyId: string) =>
      Object.fromEntries(
        (
          await dataSource.query<{ business_day: string; n: number }[]>(
            `SELECT business_day::text, count(*)::int AS n FROM sales WHERE company_id = $1
             GROUP BY 1 ORDER BY 1`,
            [companyId],
          )
        ).map((row) => [row.business_day, row.n]),
      );

    it('moves sales stored before the settings came to the day the company’s cut-off gives them', async () => {
      const companyId = uniqueName('co');
      const [day, next] = [daysAgo(10), daysAgo(9)];
      // Stored with the default 04:00: the 05:30 sale belongs to `next`, the 03:00 one to `day`.
      await checkouts(
        companyId,
        osloAt(day, '20:00'),
        osloAt(next, '03:00'),
        osloAt(next, '05:30'),
      );
      expect(await salesPerDay(companyId)).toEqual({ [day]: 2, [next]: 1 });

      await settings(companyId, { dayCutoffHour: 6 });

      expect(await salesPerDay(companyId)).toEqual({ [day]: 3 });
      expect(await dayOf(dayKey(companyId, day))).toMatchObject({
        status: DayStatuses.CLOSED,
        checkouts: 3,
        revision: 2,
        firstReceipt: 'R1',
        lastReceipt: 'R3',
      });
      // The day the default made is left empty: it is exported as nothing to post.
      expect(await dayOf(dayKey(companyId, next))).toMatchObject({ checkouts: 0, revision: 2 });
      expect((await statusEvents(companyId)).slice(-2)).toMatchObject([
        { businessDay: day, status: DayStatuses.CLOSED, checkouts: 3 },
        { businessDay: next, status: DayStatuses.CLOSED, checkouts: 0 },
      ]);
    });

    it('opens the day a sale moves to when that day is new, with the new cut-off’s closing time', async () => {
      const companyId = uniqueName('co');
      await settings(companyId, { dayCutoffHour: 6 });
      // 05:00 today with a 06:00 cut-off: yesterday. Moved back to a 04:00 cut-off: today.
      await checkouts(companyId, osloAt(today, '05:00'));
      expect(await salesPerDay(companyId)).toEqual({ [daysAgo(1)]: 1 });
      await settings(companyId, { dayCutoffHour: 4 });
      expect(await salesPerDay(companyId)).toEqual({ [today]: 1 });
      const opened = await dayOf(dayKey(companyId, today));
      expect(opened).toMatchObject({ status: DayStatuses.OPEN, checkouts: 1 });
      const closes = await dataSource.query<{ expected: Date }[]>(
        `SELECT (($1::date + 1)::timestamp + interval '4 hours 30 minutes') AT TIME ZONE 'Europe/Oslo' AS expected`,
        [today],
      );
      expect(opened.closesAt).toEqual(closes[0].expected);
    });

    it('reopens an exported day that gains sales for its correction, and leaves history between two exported days alone', async () => {
      const companyId = uniqueName('co');
      const [old, oldNext, day, next] = [daysAgo(20), daysAgo(19), daysAgo(5), daysAgo(4)];
      await settings(companyId);
      await checkouts(
        companyId,
        osloAt(old, '20:00'),
        osloAt(oldNext, '05:00'),
        osloAt(day, '20:00'),
        osloAt(next, '05:00'),
      );
      // Export `old`, `oldNext` and `day`; `next` is not exported yet.
      for (let i = 0; i < 3; i++) {
        const [claimed] = await lifecycle.claimDue(1);
        await lifecycle.finish(claimed, posted(1));
      }
      expect(await dayOf(dayKey(companyId, next))).toMatchObject({ status: DayStatuses.CLOSED });

      await settings(companyId, { dayCutoffHour: 6 });

      // 05:00 on `oldNext` stays (both days posted); 05:00 on `next` moves to the posted `day`.
      expect(await salesPerDay(companyId)).toEqual({ [old]: 1, [oldNext]: 1, [day]: 2 });
      expect(await dayOf(dayKey(companyId, day))).toMatchObject({
        status: DayStatuses.CLOSED,
        checkouts: 2,
        revision: 2,
        exportedRevision: 1,
      });
      expect(await dayOf(dayKey(companyId, old))).toMatchObject({ status: DayStatuses.POSTED });
      expect(await dayOf(dayKey(companyId, oldNext))).toMatchObject({
        status: DayStatuses.POSTED,
      });
    });

    it('moves a sale whose transaction was still open when the company\u2019s first settings came', async () => {
      const companyId = uniqueName('co');
      const day = daysAgo(6);
      const next = daysAgo(5);
      // The checkout's transaction reads "no settings" (the default 04:00) and is not committed yet…
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      let applied = false;
      try {
        await medium.get(SalesService).record(
          [
            parsed(
              Topics.CheckoutCompletedV1,
              aCheckout({
                companyId,
                completedAt: osloAt(next, '05:00'),
                lines: [{ unitPriceGross: 10_000 }],
              }),
            ),
          ],
          runner.manager,
        );
        // …so the settings wait for it instead of re-deriving without its sale.
        const applying = settings(companyId, { dayCutoffHour: 6 }).then(() => (applied = true));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(applied).toBe(false);
        await runner.commitTransaction();
        await applying;
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await salesPerDay(companyId)).toEqual({ [day]: 1 });
    });

    it('moves nothing when the cut-off stays', async () => {
      const companyId = uniqueName('co');
      await checkouts(companyId, osloAt(daysAgo(3), '05:00'));
      await settings(companyId, { dayCutoffHour: 4 });
      await settings(companyId, {
        dayCutoffHour: 4,
        salesExport: { sendToLedger: true, graceMinutes: 60 },
      });
      expect(await salesPerDay(companyId)).toEqual({ [daysAgo(3)]: 1 });
      expect(await dayOf(dayKey(companyId, daysAgo(3)))).toMatchObject({ revision: 1 });
    });
  });
});
