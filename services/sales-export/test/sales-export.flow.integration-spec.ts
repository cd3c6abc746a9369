import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { addDays, osloToday } from '@pos-tripletex/platform';
import {
  aCheckout,
  backOfficeJwt,
  Collector,
  describeFlow,
  eventually,
  failWrites,
  SandboxCompany,
  SpawnedService,
  uniqueName,
} from '@pos-tripletex/testing';
import { DateTime } from 'luxon';
import { createDataSource } from '../src/database/setup';
import { accountIds, mappings, paidWith } from './sales-export.fixtures';

// Business days to vouchers, end to end: sales-export as its own process, real Kafka and
// PostgreSQL, the Tripletex sandbox as Tripletex. Only what a whole process shows lives here
// (records in, status events out, the API, Tripletex's ledger, crashes and restarts); one use
// case's decisions are medium tests beside the code (src/days/day.lifecycle.medium-spec.ts,
// src/vouchers/voucher.planner.medium-spec.ts).

const MAIN = join(__dirname, '../dist/main.js');

const today = osloToday();
const daysAgo = (n: number) => addDays(today, -n);
const at = (day: string, time = '12:00:00') => `${day}T${time}+01:00`;

interface Setup {
  companyId: string;
  tripletex: SandboxCompany;
  accounts: Record<number, number>;
}

interface SettingsOptions {
  startDate?: string;
  vipps?: boolean;
  status?: 'ACTIVE' | 'INACTIVE';
  sendToLedger?: boolean;
}

/** Our own postings (not Tripletex's VAT rows) as [account number, kroner, VAT code]. */
const postingsOf = (voucher: any) =>
  voucher.postings
    .filter((p: any) => !p.systemGenerated)
    .map((p: any) => [p.account.number, p.amountGross, p.vatType?.number ?? null]);

describeFlow(
  'sales-export',
  {
    mainJs: MAIN,
    createDataSource,
    schema: 'sales_export_flow',
    env: () => ({ EXPORT_POLL_MS: '200', EXPORT_LEASE_SECONDS: '10', LOG_LEVEL: 'info' }),
  },
  (flow) => {
    let events: Collector;
    let configVersion = 0;

    beforeAll(async () => {
      events = await flow().sut.kafka.collect([
        Topics.DayStatusV1,
        deadLetterTopic(Topics.CheckoutCompletedV1),
      ]);
    });

    async function publishConfig(s: Setup, options: SettingsOptions = {}) {
      await flow().settings(s.tripletex, {
        companyId: s.companyId,
        version: ++configVersion,
        status: options.status ?? 'ACTIVE',
        startDate: options.startDate ?? daysAgo(60),
        mappings: mappings(s.accounts, options),
        salesExport: { sendToLedger: options.sendToLedger ?? true, graceMinutes: 30 },
      });
    }

    async function company(options: SettingsOptions = {}): Promise<Setup> {
      const companyId = uniqueName('co');
      const tripletex = await flow().sut.sandbox.createCompany({ name: `Kafé ${companyId}` });
      const s = { companyId, tripletex, accounts: await accountIds(flow().sut.sandbox, tripletex) };
      await publishConfig(s, options);
      return s;
    }

    async function checkouts(list: Record<string, unknown>[]) {
      await flow().sut.kafka.produce(
        Topics.CheckoutCompletedV1,
        list.map((c) => ({ key: c.companyId as string, value: c })),
      );
    }

    const dayStatuses = (companyId: string, day?: string) =>
      events.messages
        .filter((m) => m.topic === Topics.DayStatusV1 && m.key === companyId)
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => day === undefined || e.businessDay === day);

    async function finalStatus(companyId: string, day: string, status: string, timeoutMs = 30_000) {
      return eventually(
        () => {
          const last = dayStatuses(companyId, day).at(-1);
          expect(last?.status).toBe(status);
          return last;
        },
        { timeoutMs },
      );
    }

    const vouchersIn = async (tripletexCompanyId: number) =>
      (await flow().sut.sandbox.ledger<{ vouchers: any[] }>(tripletexCompanyId)).vouchers;

    /** A BackOffice call to the company's own sales-export API. */
    const api = (companyId: string, path: string, method = 'GET') =>
      flow().api(companyId, method, `/v1/companies/${companyId}/sales-export${path}`);

    describe('the daily voucher', () => {
      it('posts a day of cash, card, Vipps, tips, rounding, 25 % and 15 % and a refund as one voucher, without the invoiced sale', async () => {
        const s = await company();
        const day = daysAgo(3);
        await checkouts([
          // Cash: 189.00 food eat-in, rounded up by 0.40 → 189.40 paid.
          aCheckout({
            companyId: s.companyId,
            receiptNumber: '1001',
            completedAt: at(day, '11:05:00'),
            method: 'CASH',
            lines: [{ unitPriceGross: 18900 }],
            rounding: 40,
          }),
          // Card and Vipps: 449.00 eat-in + 89.50 takeaway at 15 % + 50.00 tip = 588.50.
          paidWith(
            aCheckout({
              companyId: s.companyId,
              receiptNumber: '1002',
              completedAt: at(day, '12:30:00'),
              lines: [
                { unitPriceGross: 44900 },
                { unitPriceGross: 8950, vatRate: 15, takeaway: true },
              ],
              tip: 5000,
            }),
            [
              ['card', 'CARD', 38850],
              ['vipps', 'VIPPS', 20000],
            ],
          ),
          // Charged by invoice: Tripletex's invoice accounts for it, not the voucher.
          aCheckout({
            companyId: s.companyId,
            receiptNumber: '1003',
            completedAt: at(day, '13:00:00'),
            lines: [{ unitPriceGross: 99900 }],
            invoice: { customerId: 1 },
          }),
          // A refund of 49.00 eat-in, back on the card; sold just after midnight, before the 04:00 cut-off.
          aCheckout({
            companyId: s.companyId,
            receiptNumber: '1004',
            kind: 'REFUND',
            completedAt: `${addDays(day, 1)}T01:15:00+01:00`,
            lines: [{ unitPriceGross: 4900 }],
          }),
        ]);
        const posted = await finalStatus(s.companyId, day, 'POSTED');
        // Debits: cash 189.40 + card (388.50 − 49.00) + Vipps 200.00 = 728.90.
        // Credits: food eat-in 189.00 + 449.00 − 49.00 = 589.00; takeaway 89.50; tips 50.00; rounding 0.40.
        expect(posted).toMatchObject({
          companyId: s.companyId,
          locationId: 'oslo-sentrum',
          checkouts: 4,
          postedGross: 72890,
          voucher: { kind: 'ORIGINAL', sentToLedger: true, voucherId: expect.any(Number) },
        });
        const vouchers = await vouchersIn(s.tripletex.companyId);
        expect(vouchers).toHaveLength(1);
        const [voucher] = vouchers;
        expect(voucher).toMatchObject({
          date: day,
          number: posted.voucher.number,
          externalVoucherNumber: posted.voucher.externalVoucherNumber,
        });
        expect(voucher.description).toContain(`oslo-sentrum ${day}`);
        expect(voucher.description).toContain('1001–1004');
        expect(postingsOf(voucher)).toEqual([
          [1579, 339.5, null],
          [1900, 189.4, null],
          [1579, 200, null],
          [3001, -89.5, '31'],
          [3000, -589, '3'],
          [2910, -50, null],
          [7740, -0.4, null],
        ]);
        // Tripletex derived the VAT: 589.00 × 25/125 = 117.80 and 89.50 × 15/115 = 11.67.
        const vatRows = voucher.postings.filter((p: any) => p.systemGenerated);
        expect(vatRows.map((p: any) => [p.account.number, p.amountGross])).toEqual([
          [2701, -11.67],
          [2700, -117.8],
        ]);
        expect(dayStatuses(s.companyId, day).map((e) => e.status)).toEqual(['CLOSED', 'POSTED']);

        const detail = await api(s.companyId, `/days/oslo-sentrum/${day}`);
        expect(detail.status).toBe(200);
        expect(detail.body).toMatchObject({
          status: 'POSTED',
          checkouts: 4,
          receipts: { first: '1001', last: '1004' },
          vouchers: [{ seq: 0, kind: 'ORIGINAL', status: 'POSTED', number: voucher.number }],
        });
        const preview = await api(s.companyId, `/days/oslo-sentrum/${day}/preview`);
        expect(preview.body).toMatchObject({ kind: null, voucher: null, sales: 3 });

        const metrics = await (await fetch(`${flow().sut.adminUrl}/metrics`)).text();
        const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? NaN);
        expect(
          value(/^pos_sales_export_days_total\{outcome="POSTED",service="sales-export"\} (\d+)$/m),
        ).toBeGreaterThanOrEqual(1);
        expect(
          value(
            /^pos_sales_export_vouchers_total\{kind="ORIGINAL",service="sales-export"\} (\d+)$/m,
          ),
        ).toBeGreaterThanOrEqual(1);
        expect(
          value(
            /^pos_tripletex_requests_total\{method="POST",path="\/ledger\/voucher",status="201",service="sales-export"\} (\d+)$/m,
          ),
        ).toBeGreaterThanOrEqual(1);
        expect(
          value(
            /^pos_events_consumed_total\{topic="pos\.checkout\.completed\.v1",outcome="processed",service="sales-export"\} (\d+)$/m,
          ),
        ).toBeGreaterThanOrEqual(4);
        expect(metrics).toMatch(
          new RegExp(
            `^pos_kafka_consumer_lag\\{group="${flow().sut.env.KAFKA_GROUP_ID}-checkouts",topic="pos\\.checkout\\.completed\\.v1",partition="\\d+",service="sales-export"\\} \\d+$`,
            'm',
          ),
        );
      });

      // What the correction contains is planned in src/vouchers/voucher.planner.medium-spec.ts.
      it('posts a correction voucher for a sale that arrives after its day was exported', async () => {
        const s = await company();
        const day = daysAgo(4);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: 10000 }],
          }),
        ]);
        await finalStatus(s.companyId, day, 'POSTED');
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day, '21:00:00'),
            method: 'CASH',
            lines: [{ unitPriceGross: 3500, vatRate: 15, takeaway: true }],
          }),
        ]);
        await eventually(async () =>
          expect(await vouchersIn(s.tripletex.companyId)).toHaveLength(2),
        );
        const corrected = await finalStatus(s.companyId, day, 'POSTED');
        expect(corrected).toMatchObject({ postedGross: 13500, voucher: { kind: 'CORRECTION' } });
        const [original, correction] = await vouchersIn(s.tripletex.companyId);
        expect(postingsOf(original)).toEqual([
          [1579, 100, null],
          [3000, -100, '3'],
        ]);
        expect(postingsOf(correction)).toEqual([
          [1900, 35, null],
          [3001, -35, '31'],
        ]);
        expect(correction.externalVoucherNumber).not.toBe(original.externalVoucherNumber);
        expect(dayStatuses(s.companyId, day).map((e) => e.status)).toEqual([
          'CLOSED',
          'POSTED',
          'CLOSED',
          'POSTED',
        ]);
      });

      it('leaves one voucher when a checkout is delivered twice', async () => {
        const s = await company();
        const day = daysAgo(5);
        const c = aCheckout({
          companyId: s.companyId,
          completedAt: at(day),
          lines: [{ unitPriceGross: 25000 }],
        });
        await checkouts([c, c]);
        await finalStatus(s.companyId, day, 'POSTED');
        await checkouts([c]);
        // A later day of the same company as a marker that the redelivery has been consumed.
        const next = addDays(day, 1);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(next),
            lines: [{ unitPriceGross: 100 }],
          }),
        ]);
        await finalStatus(s.companyId, next, 'POSTED');
        const vouchers = await vouchersIn(s.tripletex.companyId);
        expect(vouchers.map((v) => v.date)).toEqual([day, next]);
        expect(postingsOf(vouchers[0])).toEqual([
          [1579, 250, null],
          [3000, -250, '3'],
        ]);
        const detail = await api(s.companyId, `/days/oslo-sentrum/${day}`);
        expect(detail.body.checkouts).toBe(1);
      });

      it('stops a day with an unmapped payment method, posts nothing, and exports it once mapped', async () => {
        const s = await company({ vipps: false });
        const day = daysAgo(6);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            method: 'VIPPS',
            lines: [{ unitPriceGross: 5000 }],
          }),
        ]);
        const unmapped = await finalStatus(s.companyId, day, 'UNMAPPED');
        expect(unmapped).toMatchObject({
          unmapped: [{ kind: 'PAYMENT_METHOD', id: 'vipps' }],
          code: 'SALES_EXPORT.UNMAPPED',
          reason: expect.stringContaining('payment method vipps'),
        });
        expect(await vouchersIn(s.tripletex.companyId)).toHaveLength(0);
        const gaps = await api(s.companyId, '/gaps');
        expect(gaps.body.values).toMatchObject([{ businessDay: day, status: 'UNMAPPED' }]);

        await publishConfig(s, { vipps: true });
        await finalStatus(s.companyId, day, 'POSTED');
        expect(await vouchersIn(s.tripletex.companyId)).toHaveLength(1);
        expect((await api(s.companyId, '/gaps')).body.count).toBe(0);
      });

      it('leaves the voucher for a bookkeeper to approve when the company asks for that', async () => {
        const s = await company({ sendToLedger: false });
        const day = daysAgo(12);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: 4200 }],
          }),
        ]);
        const posted = await finalStatus(s.companyId, day, 'POSTED');
        expect(posted.voucher).toMatchObject({ sentToLedger: false, kind: 'ORIGINAL' });
        expect(posted.voucher.number).toBeUndefined();
        const [voucher] = await vouchersIn(s.tripletex.companyId);
        expect(voucher).toMatchObject({ number: 0, tempNumber: expect.any(Number) });
        expect(voucher.tempNumber).toBeGreaterThan(0);
      });

      it('exports nothing before the start date', async () => {
        const s = await company({ startDate: daysAgo(7) });
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(daysAgo(8)),
            lines: [{ unitPriceGross: 700 }],
          }),
          aCheckout({
            companyId: s.companyId,
            completedAt: at(daysAgo(7)),
            lines: [{ unitPriceGross: 800 }],
          }),
        ]);
        await finalStatus(s.companyId, daysAgo(7), 'POSTED');
        const vouchers = await vouchersIn(s.tripletex.companyId);
        expect(vouchers.map((v) => v.date)).toEqual([daysAgo(7)]);
        const before = await api(s.companyId, `/days/oslo-sentrum/${daysAgo(8)}`);
        expect(before.body).toMatchObject({ status: 'CLOSED', exported: false });
        expect(before.body.note).toContain('start date');
      });

      it('re-exports a day by reversing its voucher and posting a new one', async () => {
        const s = await company();
        const day = daysAgo(9);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: 9900 }],
          }),
        ]);
        const first = await finalStatus(s.companyId, day, 'POSTED');
        const res = await api(s.companyId, `/days/oslo-sentrum/${day}/re-export`, 'POST');
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ status: 'CLOSED', reexportRequested: true });
        const trail = await flow().audit(s.companyId);
        expect(trail.body.values).toEqual([
          expect.objectContaining({
            actorKind: 'USER',
            actor: `user-of-${s.companyId}`,
            action: 'day.reexport.requested',
            target: `days/oslo-sentrum/${day}`,
            before: { status: 'POSTED', reexportRequestedAt: null },
            after: { status: 'CLOSED', reexportRequestedAt: expect.any(String) },
          }),
        ]);
        await eventually(async () =>
          expect(await vouchersIn(s.tripletex.companyId)).toHaveLength(3),
        );
        // The day's status events (CLOSED on the request, then POSTED) may still be on their way.
        const again = await eventually(() => {
          const last = dayStatuses(s.companyId, day).at(-1);
          expect(last).toMatchObject({ status: 'POSTED', voucher: { kind: 'REPOST' } });
          return last;
        });
        const vouchers = await vouchersIn(s.tripletex.companyId);
        const original = vouchers.find((v) => v.id === first.voucher.voucherId);
        expect(original.reverseVoucher).toBeDefined();
        const reversal = vouchers.find((v) => v.id === original.reverseVoucher.id);
        expect(postingsOf(reversal)).toEqual([
          [1579, -99, null],
          [3000, 99, '3'],
        ]);
        const repost = vouchers.find((v) => v.id === again.voucher.voucherId);
        expect(postingsOf(repost)).toEqual(postingsOf(original));
        const detail = await api(s.companyId, `/days/oslo-sentrum/${day}`);
        expect(detail.body.vouchers.map((v: any) => [v.kind, v.status, v.reversed])).toEqual([
          ['ORIGINAL', 'POSTED', true],
          ['REVERSAL', 'POSTED', false],
          ['REPOST', 'POSTED', false],
        ]);
      });

      it('dead-letters a checkout that breaks the contract, with every problem, and still books the good ones around it', async () => {
        const s = await company();
        const day = daysAgo(11);
        const good = (n: number) =>
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: n }],
          });
        const unbalanced = {
          ...good(5000),
          payments: [{ paymentMethodId: 'card', method: 'CARD', amount: 4999 }],
        };
        await flow().sut.kafka.produce(Topics.CheckoutCompletedV1, [
          { key: s.companyId, value: good(1000) },
          { key: s.companyId, value: unbalanced },
          { key: s.companyId, value: '{"eventId": "not json' },
          { key: s.companyId, value: good(2000) },
        ]);
        const posted = await finalStatus(s.companyId, day, 'POSTED');
        expect(posted.postedGross).toBe(3000);
        const parked = await eventually(() => {
          const mine = events.messages.filter(
            (m) =>
              m.topic === deadLetterTopic(Topics.CheckoutCompletedV1) &&
              m.key === s.companyId &&
              m.headers['dlq-consumer-group'] === flow().sut.env.KAFKA_GROUP_ID,
          );
          expect(mine).toHaveLength(2);
          return mine;
        });
        expect(parked.map((m) => m.headers['dlq-error-code'])).toEqual([
          'CONTRACT_VIOLATION',
          'CONTRACT_VIOLATION',
        ]);
        expect(parked[0].value?.toString()).toBe(JSON.stringify(unbalanced));
        expect(parked[0].headers['dlq-problems']).toContain('payments');
        expect(parked[1].value?.toString()).toBe('{"eventId": "not json');
      });

      it('answers 400 with field messages for a bad day and 404 for a day it does not know', async () => {
        const s = await company();
        const bad = await api(s.companyId, '/days/oslo-sentrum/24-11-2026');
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.body)).toContain('businessDay must be a date YYYY-MM-DD');
        const unknown = await api(s.companyId, `/days/oslo-sentrum/${daysAgo(40)}`);
        expect(unknown.status).toBe(404);
        const other = await flow().api(
          'someone-else',
          'GET',
          `/v1/companies/${s.companyId}/sales-export/days`,
        );
        expect(other.status).toBe(403);
      });

      it('lists days newest first, paged as every BackOffice list: from and count in, total, from, count and values out', async () => {
        const s = await company();
        const days = [daysAgo(15), daysAgo(14), daysAgo(13)];
        await checkouts(
          days.map((day) =>
            aCheckout({
              companyId: s.companyId,
              completedAt: at(day),
              lines: [{ unitPriceGross: 1000 }],
            }),
          ),
        );
        // Days are exported oldest first: the newest one posted means all three are in.
        await finalStatus(s.companyId, days[2], 'POSTED');
        const page = await api(
          s.companyId,
          `/days?dateFrom=${days[0]}&dateTo=${days[2]}&from=1&count=1`,
        );
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({
          total: 3,
          from: 1,
          count: 1,
          values: [{ businessDay: days[1], locationId: 'oslo-sentrum' }],
        });
        const narrowed = await api(s.companyId, `/days?dateFrom=${days[1]}&dateTo=${days[1]}`);
        expect(narrowed.body).toMatchObject({ total: 1, from: 0, count: 1 });
        const bad = await api(s.companyId, `/days?dateFrom=${days[0]}&from=${days[0]}`);
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.body)).toContain('from must be');
      });
    });

    describe('the audit trail', () => {
      /** A company with a closed past day (inactive: nothing exports it meanwhile). */
      async function aClosedDay() {
        const s = await company({ status: 'INACTIVE' });
        const day = daysAgo(4);
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: 100 }],
          }),
        ]);
        await eventually(async () =>
          expect((await api(s.companyId, `/days/oslo-sentrum/${day}`)).body.status).toBe('CLOSED'),
        );
        return { ...s, day, path: `/days/oslo-sentrum/${day}/re-export` };
      }

      it('records each re-export request with who asked and when; another company cannot read it', async () => {
        const s = await aClosedDay();
        const asked = Date.now();
        expect((await api(s.companyId, s.path, 'POST')).status).toBe(202);
        expect((await api(s.companyId, s.path, 'POST')).status).toBe(202);
        const trail = await flow().audit(s.companyId, { action: 'day.reexport.requested' });
        expect(trail.body).toMatchObject({ count: 2, nextCursor: null });
        const [second, first] = trail.body.values;
        expect(first).toMatchObject({
          actor: `user-of-${s.companyId}`,
          target: `days/oslo-sentrum/${s.day}`,
          before: { reexportRequestedAt: null },
          after: { reexportRequestedAt: expect.any(String) },
        });
        expect(second.before.reexportRequestedAt).toBe(first.after.reexportRequestedAt);
        expect(Date.parse(first.occurredAt)).toBeGreaterThanOrEqual(asked - 1000);

        const other = await company({ status: 'INACTIVE' });
        const asOther = await flow().apiWith(
          backOfficeJwt(flow().sut.jwtSecret, other.companyId),
          'GET',
          `/v1/companies/${s.companyId}/audit`,
        );
        expect(asOther).toMatchObject({ status: 403, body: { code: 'AUTH.OTHER_COMPANY' } });
        expect((await flow().audit(other.companyId)).body.values).toEqual([]);
      });

      it('refuses a re-export by a token without `sub`', async () => {
        const s = await aClosedDay();
        const refused = await flow().apiWith(
          backOfficeJwt(flow().sut.jwtSecret, s.companyId, { subject: null }),
          'POST',
          `/v1/companies/${s.companyId}/sales-export${s.path}`,
        );
        expect(refused).toMatchObject({ status: 401, body: { code: 'AUTH.NO_SUBJECT' } });
        expect(
          (await api(s.companyId, `/days/oslo-sentrum/${s.day}`)).body.reexportRequestedAt,
        ).toBeNull();
        expect((await flow().audit(s.companyId)).body.values).toEqual([]);
      });

      it('keeps a request and its record together: neither stays when the other fails', async () => {
        const s = await aClosedDay();
        const { schema } = flow().sut;
        for (const [table, at] of [
          ['days', 'commit'],
          ['audit_records', 'write'],
        ] as const) {
          const allow = await failWrites(schema, table, s.companyId, at);
          try {
            expect((await api(s.companyId, s.path, 'POST')).status).toBe(500);
          } finally {
            await allow();
          }
          expect(
            (await api(s.companyId, `/days/oslo-sentrum/${s.day}`)).body.reexportRequestedAt,
          ).toBeNull();
          expect((await flow().audit(s.companyId)).body.values).toEqual([]);
        }
      });
    });

    describe('the business day follows the company’s cut-off', () => {
      /** An Oslo wall time on a day, with that day's offset (summer or winter). */
      const osloAt = (day: string, time: string) =>
        DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Oslo' }).toISO() as string;

      it('books sales published before the company’s settings on the days its 06:00 cut-off gives them', async () => {
        const companyId = uniqueName('co');
        const tripletex = await flow().sut.sandbox.createCompany({ name: `Bar ${companyId}` });
        const s = {
          companyId,
          tripletex,
          accounts: await accountIds(flow().sut.sandbox, tripletex),
        };
        const [day, next] = [daysAgo(8), daysAgo(7)];
        const sale = (completedAt: string, kroner: number) =>
          aCheckout({ companyId, completedAt, lines: [{ unitPriceGross: kroner * 100 }] });
        await checkouts([
          sale(osloAt(day, '20:00'), 100),
          sale(osloAt(next, '05:00'), 30), // after 04:00, before 06:00: still the bar's night
          sale(osloAt(next, '12:00'), 7),
        ]);
        // Stored with the default 04:00 before any settings: one sale on each day.
        await eventually(async () => {
          const days = await api(companyId, `/days?dateFrom=${day}&dateTo=${next}`);
          expect(days.body.values.map((d: any) => [d.businessDay, d.checkouts])).toEqual([
            [next, 2],
            [day, 1],
          ]);
        });

        await flow().settings(tripletex, {
          companyId,
          version: ++configVersion,
          startDate: daysAgo(60),
          dayCutoffHour: 6,
          mappings: mappings(s.accounts),
        });

        expect(await finalStatus(companyId, day, 'POSTED')).toMatchObject({
          checkouts: 2,
          postedGross: 13000,
        });
        expect(await finalStatus(companyId, next, 'POSTED')).toMatchObject({
          checkouts: 1,
          postedGross: 700,
        });
        const vouchers = await vouchersIn(tripletex.companyId);
        expect(vouchers.map((v: any) => [v.date, postingsOf(v)[0]])).toEqual([
          [day, [1579, 130, null]],
          [next, [1579, 7, null]],
        ]);
      });
    });

    describe('exactly once and backfill', () => {
      /** The instance that replaced the suite's service after a stop (same port, same API URL). */
      let replacement: SpawnedService | undefined;

      async function restart(extraEnv: Record<string, string> = {}): Promise<SpawnedService> {
        await (replacement ?? flow().sut.service).stop();
        replacement = await SpawnedService.start(
          MAIN,
          { ...flow().sut.env, ...extraEnv },
          Number(new URL(flow().sut.url).port),
        );
        await replacement.ready();
        return replacement;
      }

      afterAll(async () => {
        await replacement?.stop();
      });

      it('leaves one voucher when the process dies between Tripletex’s answer and the commit', async () => {
        const s = await company();
        const day = daysAgo(10);
        const crashing = await restart({ NODE_ENV: 'test', FAULT_KILL_AFTER_TRIPLETEX_CALL: '1' });
        await checkouts([
          aCheckout({
            companyId: s.companyId,
            completedAt: at(day),
            lines: [{ unitPriceGross: 12300 }],
          }),
        ]);
        const { signal } = await crashing.exit(60_000);
        expect(signal).toBe('SIGKILL');
        expect(await vouchersIn(s.tripletex.companyId)).toHaveLength(1); // Tripletex has it…
        expect(
          await flow().sut.schema.query('SELECT status FROM vouchers WHERE company_id = $1', [
            s.companyId,
          ]),
        ).toEqual([{ status: 'PENDING' }]); // …we never recorded it

        await restart();
        const posted = await finalStatus(s.companyId, day, 'POSTED', 60_000);
        const vouchers = await vouchersIn(s.tripletex.companyId);
        expect(vouchers).toHaveLength(1);
        expect(posted.voucher.voucherId).toBe(vouchers[0].id);
      });

      it('backfills 30 days in order, one voucher each, and resumes after a restart', async () => {
        const s = await company({ startDate: daysAgo(45) });
        const days = Array.from({ length: 30 }, (_, i) => daysAgo(45 - i));
        // The sales are in before the company is active, as when history is exported.
        await publishConfig(s, { startDate: daysAgo(45), status: 'INACTIVE' });
        await checkouts(
          days.map((day, i) =>
            aCheckout({
              companyId: s.companyId,
              completedAt: at(day),
              lines: [{ unitPriceGross: 1000 + i }],
            }),
          ),
        );
        await eventually(async () => {
          const [row] = await flow().sut.schema.query<{ n: string }>(
            `SELECT count(*) AS n FROM days WHERE company_id = $1 AND status = 'CLOSED'`,
            [s.companyId],
          );
          expect(Number(row.n)).toBe(30);
        });
        await flow().sut.sandbox.setControls({ latencyMs: 100 });
        try {
          await publishConfig(s, { startDate: daysAgo(45) });
          await eventually(
            async () =>
              expect((await vouchersIn(s.tripletex.companyId)).length).toBeGreaterThanOrEqual(5),
            { timeoutMs: 30_000 },
          );
          await (replacement ?? flow().sut.service).stop();
          const progress = (await vouchersIn(s.tripletex.companyId)).length;
          expect(progress).toBeLessThan(30);
          await restart();
          await eventually(
            async () => {
              const backfill = await api(s.companyId, '/backfill');
              expect(backfill.body).toMatchObject({ days: 30, exported: 30, percent: 100 });
            },
            { timeoutMs: 60_000 },
          );
        } finally {
          await flow().sut.sandbox.setControls({ latencyMs: 0 });
        }
        const vouchers = await vouchersIn(s.tripletex.companyId);
        expect(vouchers).toHaveLength(30);
        const byNumber = [...vouchers].sort((a, b) => a.number - b.number);
        expect(byNumber.map((v) => v.date)).toEqual(days);
        expect(new Set(vouchers.map((v) => v.externalVoucherNumber)).size).toBe(30);
        expect(byNumber.map((v) => postingsOf(v)[0][1])).toEqual(
          days.map((_, i) => (1000 + i) / 100),
        );
      });
    });
  },
);
