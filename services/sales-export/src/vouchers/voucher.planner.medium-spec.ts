import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1, Topics } from '@pos-tripletex/contracts';
import { BatchConsumers } from '@pos-tripletex/messaging';
import { addDays, osloToday, SecretBindings } from '@pos-tripletex/platform';
import {
  aCheckout,
  aDayClosed,
  anIntegrationConfig,
  MediumTest,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import { accountIds, mappings, paidWith, parsed } from '../../test/sales-export.fixtures';
import { createDataSource } from '../database/setup';
import { DayLifecycle } from '../days/day.lifecycle';
import type { DayKey } from '../days/day-key';
import { ExportWorker } from '../days/export.worker';
import { SalesService } from '../sales/sales.service';
import { emptyTotals, isZero } from './day-totals';
import { VoucherPlanner } from './voucher.planner';
import { VoucherPoster } from './voucher.poster';

// What a day's voucher comes to, in-process over a fresh schema and a Tripletex sandbox company
// (its accounts and VAT types): sales recorded as the checkout consumer records them, the plan
// read as the export and the preview read it. The service's own worker and checkout consumer are
// stopped, so nothing is exported behind the test's back.

let medium: MediumTest;
let planner: VoucherPlanner;
let dataSource: DataSource;

const day = addDays(osloToday(), -3);
const at = (time: string) => `${day}T${time}+01:00`;

interface Company {
  key: DayKey;
  config: IntegrationConfigV1;
  tripletex: SandboxCompany;
  ids: Record<number, number>;
}

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'sales_export_vouchers',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: { EXPORT_POLL_MS: '60000' },
  });
  await medium.get(ExportWorker).onApplicationShutdown();
  await medium.get(BatchConsumers).beforeApplicationShutdown();
  planner = medium.get(VoucherPlanner);
  dataSource = medium.get(DataSource);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

/** A company onboarded to a fresh sandbox company, its settings stored as the consumer stores them. */
async function company(
  options: { vipps?: boolean; vatLockedChart?: boolean } = {},
): Promise<Company> {
  const companyId = uniqueName('co');
  const tripletex = await medium.sandbox.createCompany({
    name: `Kafé ${companyId}`,
    vatLockedChart: options.vatLockedChart,
  });
  const ids = await accountIds(medium.sandbox, tripletex);
  const config = parsed(
    Topics.IntegrationConfigV1,
    anIntegrationConfig({
      companyId,
      version: 1,
      tripletexCompanyId: tripletex.companyId,
      employeeToken: medium.box.seal(
        tripletex.employeeToken,
        SecretBindings.tripletexToken(companyId),
      ),
      startDate: addDays(day, -30),
      mappings: mappings(ids, options),
    }),
  );
  await dataSource.transaction((tx) => medium.get(CompanySettingsService).apply(config, tx));
  return {
    key: { companyId, locationId: 'oslo-sentrum', businessDay: day },
    config,
    tripletex,
    ids,
  };
}

/** Checkouts recorded as the checkout consumer records them. */
async function sell(...checkouts: Record<string, unknown>[]): Promise<void> {
  const events = checkouts.map((checkout) => parsed(Topics.CheckoutCompletedV1, checkout));
  await dataSource.transaction((tx) => medium.get(SalesService).record(events, tx));
}

const plan = ({ key, config }: Company) => planner.plan(key, config, planner.client(config));

/** Posts the planned voucher to the sandbox as the export does. */
async function post(company: Company): Promise<void> {
  const poster = medium.get(VoucherPoster);
  const planned = await plan(company);
  const recorded = await poster.record(company.key, planned, company.config);
  await poster.complete(planner.client(company.config), recorded);
}

/** The voucher's postings as [account id, kroner, with a VAT type]. */
const postingsOf = (planned: Awaited<ReturnType<typeof plan>>) =>
  planned.voucher?.postings?.map((posting) => [
    posting.account?.id,
    posting.amountGross,
    posting.vatType !== undefined,
  ]);

describe(VoucherPlanner.name, () => {
  it('plans the first voucher of a fresh day exactly as it would be sent, without the invoiced sale', async () => {
    const co = await company();
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        receiptNumber: '1001',
        completedAt: at('11:05:00'),
        method: 'CASH',
        lines: [{ unitPriceGross: 18900 }],
        rounding: 40,
      }),
      paidWith(
        aCheckout({
          companyId: co.key.companyId,
          receiptNumber: '1002',
          completedAt: at('12:30:00'),
          lines: [{ unitPriceGross: 44900 }, { unitPriceGross: 8950, vatRate: 15, takeaway: true }],
          tip: 5000,
        }),
        [
          ['card', 'CARD', 38850],
          ['vipps', 'VIPPS', 20000],
        ],
      ),
      aCheckout({
        companyId: co.key.companyId,
        receiptNumber: '1003',
        completedAt: at('13:00:00'),
        lines: [{ unitPriceGross: 99900 }],
        invoice: { customerId: 1 },
      }),
    );
    const planned = await plan(co);
    expect(planned).toMatchObject({
      kind: 'ORIGINAL',
      seq: 0,
      externalNumber: expect.stringMatching(
        new RegExp(`^POS-[0-9a-f]{6}-${day.replaceAll('-', '')}-0-oslo-sentrum$`),
      ),
      unmapped: [],
      problems: [],
      inEffect: [],
      snapshot: { sales: 2, firstReceipt: '1001', lastReceipt: '1002' },
    });
    expect(planned.voucher).toMatchObject({
      date: day,
      description: `POS-salg oslo-sentrum ${day}: kvittering 1001–1002 (2 salg)`,
      externalVoucherNumber: planned.externalNumber,
    });
    // Debit per payment method, credit per product group × VAT rate × takeaway, tips, rounding.
    expect(postingsOf(planned)).toEqual([
      [co.ids[1579], 388.5, false],
      [co.ids[1900], 189.4, false],
      [co.ids[1579], 200, false],
      [co.ids[3001], -89.5, true],
      [co.ids[3000], -638, true],
      [co.ids[2910], -50, false],
      [co.ids[7740], -0.4, false],
    ]);
  });

  it('plans a correction of only the late sale once the day’s voucher is posted', async () => {
    const co = await company();
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 10000 }],
      }),
    );
    await post(co);
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('21:00:00'),
        method: 'CASH',
        lines: [{ unitPriceGross: 3500, vatRate: 15, takeaway: true }],
      }),
    );
    const planned = await plan(co);
    expect(planned).toMatchObject({
      kind: 'CORRECTION',
      seq: 1,
      difference: {
        payments: { cash: 3500 },
        revenue: { 'food|15|T': 3500 },
        tips: 0,
        rounding: 0,
      },
    });
    expect(planned.inEffect).toHaveLength(1);
    expect(planned.voucher?.description).toMatch(/^Korreksjon POS-salg oslo-sentrum/);
    expect(postingsOf(planned)).toEqual([
      [co.ids[1900], 35, false],
      [co.ids[3001], -35, true],
    ]);
  });

  it('names an unmapped payment method and builds nothing', async () => {
    const co = await company({ vipps: false });
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        method: 'VIPPS',
        lines: [{ unitPriceGross: 5000 }],
      }),
    );
    const planned = await plan(co);
    expect(planned).toMatchObject({
      kind: 'ORIGINAL',
      unmapped: [{ kind: 'PAYMENT_METHOD', id: 'vipps' }],
      voucher: null,
    });
  });

  it('has nothing to post for a day paid only by invoice', async () => {
    const co = await company();
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 99900 }],
        invoice: { customerId: 1 },
      }),
    );
    const planned = await plan(co);
    expect(planned).toMatchObject({
      kind: null,
      voucher: null,
      externalNumber: null,
      inEffect: [],
      snapshot: { sales: 0 },
    });
    expect(isZero(planned.difference)).toBe(true);
  });

  it('has nothing more to post once the voucher in effect accounts for every sale', async () => {
    const co = await company();
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 4200 }],
      }),
    );
    await post(co);
    const planned = await plan(co);
    expect(planned).toMatchObject({ kind: null, voucher: null, difference: emptyTotals() });
    expect(planned.inEffect).toHaveLength(1);
  });

  it('posts gift cards sold, 0 % sales zero-rated and outside the VAT law, and the cash counted short', async () => {
    // A chart whose revenue accounts are VAT-locked: 3000 → 3, 3100 → 5, 3200 → 6.
    const co = await company({ vatLockedChart: true });
    const companyId = co.key.companyId;
    await sell(
      // A gift card of 500.00 and a coffee of 45.00 by card.
      aCheckout({
        companyId,
        receiptNumber: '2001',
        completedAt: at('10:00:00'),
        lines: [
          { unitPriceGross: 50_000, vatRate: 0, lineType: 'GIFT_CARD', productGroupId: 'gifts' },
          { unitPriceGross: 4500 },
        ],
      }),
      // A lunch of 300.00 paid with a gift card: the liability is debited, the lunch is revenue.
      paidWith(
        aCheckout({
          companyId,
          receiptNumber: '2002',
          completedAt: at('11:00:00'),
          lines: [{ unitPriceGross: 30_000 }],
        }),
        [['giftcard', 'GIFT_CARD', 30_000]],
      ),
      // A newspaper (zero-rated) and two bottle deposits (outside the VAT law), 1000.00 in cash
      // with a lunch.
      aCheckout({
        companyId,
        receiptNumber: '2003',
        completedAt: at('12:00:00'),
        method: 'CASH',
        lines: [
          { unitPriceGross: 4000, vatRate: 0, productGroupId: 'newspapers' },
          {
            unitPriceGross: 300,
            quantity: 2,
            vatRate: 0,
            outsideVatLaw: true,
            takeaway: true,
            productGroupId: 'deposits',
          },
          { unitPriceGross: 95_400 },
        ],
      }),
    );
    // The drawer holds 962.50 of the 1000.00 cash taken.
    await dataSource.transaction((tx) =>
      medium.get(DayLifecycle).recordZReport(
        parsed(
          Topics.DayClosedV1,
          aDayClosed({
            companyId,
            businessDay: day,
            checkoutCount: 3,
            totalGross: 54_500 + 30_000 + 100_000,
            countedCash: 96_250,
          }),
        ),
        tx,
      ),
    );
    const config = {
      ...co.config,
      mappings: {
        ...co.config.mappings,
        paymentMethods: [
          ...co.config.mappings.paymentMethods,
          { paymentMethodId: 'giftcard', accountId: co.ids[2960], accountNumber: 2960 },
        ],
      },
    };
    const giftCards = { ...co, config };
    const planned = await plan(giftCards);
    expect(planned.problems).toEqual([]);
    expect(planned.snapshot.reconciliation).toEqual({
      zCheckoutCount: 3,
      checkouts: 3,
      zTotalGross: 184_500,
      salesGross: 184_500,
      countedCash: 96_250,
      expectedCash: 100_000,
      cashDifference: -3750,
      mismatches: [],
    });
    await post(giftCards);

    // What Tripletex booked: its VAT codes by number, its own VAT postings on row 0.
    const client = planner.client(config);
    const [recorded] = await dataSource.query<{ tripletex_id: string }[]>(
      'SELECT tripletex_id FROM vouchers WHERE company_id = $1',
      [companyId],
    );
    const voucher = await client.getVoucher(
      Number(recorded.tripletex_id),
      'postings(row,account(number),amountGross,vatType(number))',
    );
    const booked = (voucher.postings ?? [])
      .filter((posting) => (posting.row ?? 0) > 0)
      .map((posting) => [
        posting.account?.number,
        posting.amountGross,
        posting.vatType?.number ?? null,
      ]);
    expect(booked).toEqual([
      [1579, 545, null],
      [1900, 1000, null],
      [2960, 300, null],
      [3200, -6, '6'],
      [3000, -1299, '3'],
      [3100, -40, '5'],
      [2960, -500, null],
      [1900, -37.5, null],
      [1909, 37.5, null],
    ]);
  });

  it('dates a correction for a day in a closed period on the first open date, naming the day', async () => {
    const co = await company();
    const sale = (time: string, ore: number) =>
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at(time),
        lines: [{ unitPriceGross: ore }],
      });
    await sell(sale('12:00:00', 10_000));
    await post(co);
    // The bookkeeper closes the month; a late sale of the day arrives. The periods were read a
    // moment ago (they are read at most once a minute), so the first try still dates it on the
    // day, and Tripletex refuses it for the closed period…
    await medium.sandbox.closePeriods(co.tripletex.companyId, day);
    await sell(sale('21:00:00', 2500));
    await expect(post(co)).rejects.toThrow(/er lukket/);
    // …after which the periods are read again and the correction goes to the first open date.
    const planned = await plan(co);
    const firstOpen = `${addDays(`${day.slice(0, 7)}-01`, 40).slice(0, 7)}-01`;
    expect(planned.postingDate).toEqual({ date: firstOpen, periodClosed: true });
    expect(planned.voucher).toMatchObject({
      date: firstOpen,
      description: expect.stringMatching(
        new RegExp(
          `^Korreksjon POS-salg oslo-sentrum ${day} \\(perioden er lukket, ført ${firstOpen}\\)`,
        ),
      ),
    });
    expect(planned.voucher?.postings?.every((p) => p.date === firstOpen)).toBe(true);
    await post(co);
    const { vouchers } = await medium.sandbox.ledger<{ vouchers: { date: string }[] }>(
      co.tripletex.companyId,
    );
    expect(vouchers.map((voucher) => voucher.date)).toEqual([day, firstOpen]);
  });

  it('posts a fresh voucher with one Tripletex call; after a lost commit it looks the voucher up and posts nothing', async () => {
    const co = await company();
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 9900 }],
      }),
    );
    const poster = medium.get(VoucherPoster);
    const client = planner.client(co.config);
    const recorded = await poster.record(co.key, await plan(co), co.config);
    const calls = async (since: number) =>
      (await medium.sandbox.requests(co.tripletex.companyId))
        .slice(since)
        .map((r) => r.operationId);
    const before = (await medium.sandbox.requests(co.tripletex.companyId)).length;
    const posted = await poster.complete(client, recorded);
    // The first attempt: nothing can be in Tripletex yet, so no look-up before the post.
    expect(await calls(before)).toEqual(['LedgerVoucher_post']);

    // The commit after Tripletex's answer is lost: the retry finds it by its external number.
    await dataSource.query(`UPDATE vouchers SET status = 'PENDING' WHERE id = $1`, [recorded.id]);
    const retried = (await medium.sandbox.requests(co.tripletex.companyId)).length;
    const again = await poster.complete(client, recorded); // the stale copy: the count is the DB's
    expect(again.tripletexId).toBe(posted.tripletexId);
    expect(await calls(retried)).toEqual([
      'LedgerVoucherExternalVoucherNumber_externalVoucherNumber',
    ]);
    const [row] = await dataSource.query<{ attempts: number }[]>(
      'SELECT attempts FROM vouchers WHERE id = $1',
      [recorded.id],
    );
    expect(row.attempts).toBe(2);
  });

  it('finds a voucher awaiting approval after a crash instead of posting it again, and deletes it on re-export', async () => {
    const co = await company();
    const config = { ...co.config, salesExport: { sendToLedger: false, graceMinutes: 30 } };
    const approval = { ...co, config };
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 7700 }],
      }),
    );
    const poster = medium.get(VoucherPoster);
    const client = planner.client(config);
    const recorded = await poster.record(co.key, await plan(approval), config);
    const posted = await poster.complete(client, recorded);
    expect(posted).toMatchObject({ status: 'POSTED', tripletexNumber: null });
    // The commit after Tripletex's answer is lost: the next pass finds the row PENDING again.
    await dataSource.query(`UPDATE vouchers SET status = 'PENDING' WHERE id = $1`, [recorded.id]);
    const again = await poster.complete(client, { ...recorded, attempts: 1 });
    expect(again.tripletexId).toBe(posted.tripletexId);
    const ledger = () =>
      medium.sandbox.ledger<{ vouchers: { id: number }[] }>(co.tripletex.companyId);
    expect((await ledger()).vouchers.map((voucher) => voucher.id)).toEqual([posted.tripletexId]);

    // Re-export: a voucher not yet in the ledger is deleted, not reversed.
    const undo = await poster.recordReversal(co.key, { ...recorded, ...posted });
    expect(await poster.complete(client, undo)).toMatchObject({
      status: 'POSTED',
      undoAction: 'DELETED',
      tripletexId: null,
    });
    expect((await ledger()).vouchers).toEqual([]);
    // Done again (a crash before the commit), it finds the voucher gone and records the same.
    await dataSource.query(`UPDATE vouchers SET status = 'PENDING' WHERE id = $1`, [undo.id]);
    expect(await poster.complete(client, undo)).toMatchObject({ undoAction: 'DELETED' });
    const [original] = await dataSource.query<{ reversed_by_id: string }[]>(
      'SELECT reversed_by_id FROM vouchers WHERE id = $1',
      [recorded.id],
    );
    expect(original.reversed_by_id).toBe(undo.id);
  });

  it('posts a department-required chart with the location\u2019s department, and waits for the mapping without one', async () => {
    const co = await company();
    await medium.sandbox.editAccount(co.tripletex.companyId, 3000, { requiresDepartment: true });
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        lines: [{ unitPriceGross: 5000 }],
      }),
    );
    expect(await plan(co)).toMatchObject({
      unmapped: [{ kind: 'LOCATION', id: 'oslo-sentrum' }],
      voucher: null,
    });
    const department = await medium.sandbox.addDepartment(co.tripletex.companyId, {
      name: 'Oslo sentrum',
      departmentNumber: '10',
    });
    const mapped = {
      ...co,
      config: {
        ...co.config,
        mappings: {
          ...co.config.mappings,
          locations: [{ locationId: 'oslo-sentrum', departmentId: department.id }],
        },
      },
    };
    const planned = await plan(mapped);
    expect(planned.unmapped).toEqual([]);
    expect(planned.voucher?.postings?.map((p) => p.department)).toEqual([
      { id: department.id },
      { id: department.id },
    ]);
    await post(mapped);
    const { vouchers } = await medium.sandbox.ledger<{ vouchers: { postings: any[] }[] }>(
      co.tripletex.companyId,
    );
    expect(
      vouchers[0].postings.filter((p) => !p.systemGenerated).map((p) => p.department?.id),
    ).toEqual([department.id, department.id]);
  });

  it('refuses, on a VAT-locked chart, a zero-rated sale mapped to the account outside the VAT law', async () => {
    const co = await company({ vatLockedChart: true });
    const wrong = {
      ...co,
      config: {
        ...co.config,
        mappings: {
          ...co.config.mappings,
          productGroups: [
            ...co.config.mappings.productGroups.filter((g) => g.productGroupId !== 'newspapers'),
            // 3200 is locked to code 6, but a newspaper is zero-rated (code 5).
            {
              productGroupId: 'newspapers',
              takeaway: false,
              vatRate: 0 as const,
              accountId: co.ids[3200],
              accountNumber: 3200,
            },
          ],
        },
      },
    };
    await sell(
      aCheckout({
        companyId: co.key.companyId,
        completedAt: at('12:00:00'),
        method: 'CASH',
        lines: [{ unitPriceGross: 4000, vatRate: 0, productGroupId: 'newspapers' }],
      }),
    );
    const planned = await plan(wrong);
    expect(planned.voucher).toBeNull();
    expect(planned.problems).toEqual([
      expect.stringMatching(
        /^account 3200 .* is locked to VAT code 6, but the sale needs VAT code 5 \(product group newspapers \(eat-in\) at 0 %\)$/,
      ),
    ]);
  });
});
