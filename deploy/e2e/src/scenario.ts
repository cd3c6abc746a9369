import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Topics } from '@pos-tripletex/contracts';
import { addDays, businessDayOf } from '@pos-tripletex/platform';
import { aCheckout, SandboxCompany, uniqueName } from '@pos-tripletex/testing';
import { answered, OnboardingClient, OnboardingSchemas } from './backoffice-client';
import { System } from './system';

// What an operator and a POS do, as code: onboard a company through the wizard (the seed flow),
// then sell for a few days at two locations. Expectations are computed from the checkouts sent.

const ZONE = 'Europe/Oslo';
export const CUTOFF_HOUR = 4;
export const LOCATIONS = ['oslo-sentrum', 'bergen-bryggen'] as const;

export interface Company {
  companyId: string;
  tripletex: SandboxCompany;
  customers: number[];
  collective: boolean;
  /** locationId → the Tripletex department its postings carry. */
  departments: Record<string, number>;
}

/** What onboarding needs of a system: the typed BackOffice client and the Tripletex sandbox. */
export interface Backoffice {
  sandbox: System['sandbox'];
  /** onboarding's generated client as the operator of `companyId`, on instance `via`. */
  onboarding(companyId: string, via?: number): OnboardingClient;
}

type Written = Pick<
  OnboardingSchemas['IntegrationView'],
  | 'startDate'
  | 'dayCutoffHour'
  | 'paymentMethods'
  | 'productGroups'
  | 'productGroupsTakeaway'
  | 'otherEvents'
  | 'locations'
  | 'invoicing'
  | 'salesExport'
>;

/**
 * The BackOffice wizard, step by step as the operator's guide has it, through onboarding's
 * generated, typed client only: paste the employee token, start date, payment methods, product
 * groups (eat-in and takeaway), other events, invoicing and collective invoice, a department per
 * location, finish – then it reads the integration back and requires everything written to be
 * there as written. `via` picks which onboarding instance answers (they share a DB).
 */
export async function onboard(
  system: Backoffice,
  options: { collective: boolean; startDate: string; via?: number; customers?: number },
): Promise<Company> {
  const companyId = uniqueName('e2e_co');
  const tripletex = await system.sandbox.createCompany({
    name: `Restaurant ${companyId}`,
    bankAccountNumber: '12345678903',
  });
  const customers = (
    await system.sandbox.addCustomers(
      tripletex.companyId,
      Array.from({ length: options.customers ?? 3 }, (_, i) => ({
        name: `Kunde ${i + 1} AS`,
        email: `kunde${i + 1}@example.no`,
        invoicesDueIn: 14,
      })),
    )
  ).map((c) => c.id);
  const client = system.onboarding(companyId, options.via ?? 0);
  const params = { path: { companyId } };
  const wizard = '/v1/companies/{companyId}/tripletex';

  answered(
    'token',
    await client.POST(`${wizard}/token`, {
      params,
      body: { employeeToken: tripletex.employeeToken },
    }),
  );
  answered(
    'create account 1921',
    await client.POST(`${wizard}/accounts`, {
      params,
      body: { number: 1921, name: 'Kortoppgjør' },
    }),
  );
  const chart = answered(
    'accounts',
    await client.GET(`${wizard}/accounts`, { params: { ...params, query: { count: 1000 } } }),
  );
  const id = (n: number): number => {
    const account = chart.values.find((a) => a.number === n);
    if (!account) throw new Error(`account ${n} is not in the chart`);
    return account.id;
  };
  const startDate = {
    startDate: options.startDate,
    dayCutoffHour: CUTOFF_HOUR,
    graceMinutes: 24 * 60,
  };
  const paymentMethods: OnboardingSchemas['PaymentMethodMappingDto'][] = [
    { paymentMethodId: 'cash', name: 'Kontant', method: 'CASH', accountId: id(1900) },
    { paymentMethodId: 'card', name: 'Bankkort', method: 'CARD', accountId: id(1921) },
    { paymentMethodId: 'vipps', name: 'Vipps', method: 'VIPPS', accountId: id(1921) },
    { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
  ];
  const productGroups: OnboardingSchemas['ProductGroupMappingDto'][] = [
    { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: id(3000) },
    { productGroupId: 'beer', name: 'Øl', vatRate: 25, accountId: id(3000) },
  ];
  const productGroupsTakeaway: OnboardingSchemas['ProductGroupMappingDto'][] = [
    { productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: id(3001) },
  ];
  const otherEvents: OnboardingSchemas['OtherEventMappingDto'][] = [
    { event: 'TIPS', accountId: id(2910) },
    { event: 'ROUNDING', accountId: id(7740) },
    { event: 'GIFT_CARDS_SOLD', accountId: id(2960) },
    { event: 'CASH_DIFFERENCE', accountId: id(1909) },
  ];
  const invoicing: OnboardingSchemas['InvoicingDto'] = {
    enabled: true,
    collective: { enabled: options.collective, cadence: 'ON_DEMAND' },
  };
  answered('start date', await client.PUT(`${wizard}/start-date`, { params, body: startDate }));
  answered(
    'payment methods',
    await client.PUT(`${wizard}/payment-methods`, { params, body: { paymentMethods } }),
  );
  answered(
    'product groups',
    await client.PUT(`${wizard}/product-groups`, { params, body: { productGroups } }),
  );
  answered(
    'product groups, takeaway',
    await client.PUT(`${wizard}/product-groups-takeaway`, {
      params,
      body: { productGroups: productGroupsTakeaway },
    }),
  );
  answered(
    'other events',
    await client.PUT(`${wizard}/other-events`, { params, body: { otherEvents } }),
  );
  answered('invoicing', await client.PUT(`${wizard}/invoicing`, { params, body: invoicing }));
  // Each location its own department, created from the wizard.
  const departments: Record<string, number> = {};
  const created: OnboardingSchemas['DepartmentOptionView'][] = [];
  for (const [i, locationId] of LOCATIONS.entries()) {
    const department = answered(
      `department for ${locationId}`,
      await client.POST(`${wizard}/departments`, {
        params,
        body: { name: locationId, number: String(10 + i) },
      }),
    );
    departments[locationId] = department.id;
    created.push(department);
  }
  const locations = LOCATIONS.map((locationId) => ({
    locationId,
    departmentId: departments[locationId],
  }));
  answered('locations', await client.PUT(`${wizard}/locations`, { params, body: { locations } }));
  const finished = answered('finish', await client.POST(`${wizard}/finish`, { params }));
  if (finished.status !== 'ACTIVE') throw new Error(`finish: ${JSON.stringify(finished)}`);

  // Read back: every step's answers as written, with what onboarding adds (account numbers,
  // department names, defaults) – the Invoice method and each method's kind included.
  const read = answered('read back', await client.GET(wizard, { params }));
  const numbered = <T extends { accountId: number | null }>(list: T[]) =>
    list.map((entry) => ({
      ...entry,
      accountNumber:
        entry.accountId === null
          ? null
          : (chart.values.find((a) => a.id === entry.accountId)?.number ?? entry.accountId),
    }));
  const expected: Written = {
    startDate: startDate.startDate,
    dayCutoffHour: startDate.dayCutoffHour,
    paymentMethods: numbered(paymentMethods).map((method) => ({
      ...method,
      method: method.method ?? null,
    })),
    productGroups: numbered(productGroups),
    productGroupsTakeaway: numbered(productGroupsTakeaway),
    otherEvents: numbered(otherEvents),
    locations: locations.map((location, i) => ({
      ...location,
      name: null,
      departmentNumber: created[i].number,
      departmentName: created[i].name,
    })),
    invoicing: {
      enabled: true,
      sendToCustomer: true,
      collective: { enabled: options.collective, cadence: 'ON_DEMAND' },
    },
    salesExport: { sendToLedger: true, graceMinutes: startDate.graceMinutes },
  };
  const got: Written = {
    startDate: read.startDate,
    dayCutoffHour: read.dayCutoffHour,
    paymentMethods: read.paymentMethods,
    productGroups: read.productGroups,
    productGroupsTakeaway: read.productGroupsTakeaway,
    otherEvents: read.otherEvents,
    locations: read.locations,
    invoicing: read.invoicing,
    salesExport: read.salesExport,
  };
  // Through JSON: fetch's objects come from another realm than jest's (other prototypes).
  assert.deepStrictEqual(
    JSON.parse(JSON.stringify(got)),
    expected,
    'the wizard read back is not what was written',
  );
  return { companyId, tripletex, customers, collective: options.collective, departments };
}

/** The business day a moment belongs to, and a moment inside a day (Oslo wall time). */
export const dayOf = (at: DateTime) => businessDayOf(at.toISO() as string, CUTOFF_HOUR);
const at = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: ZONE }).toISO({ suppressMilliseconds: true })!;

/** Receipt numbers of invoiced checkouts, which also make their references unique. */
let nextReceipt = 900_000 + Math.floor(Math.random() * 50_000) * 100;

export interface LocationDay {
  companyId: string;
  locationId: string;
  businessDay: string;
  checkouts: Record<string, unknown>[];
  /** What the voucher must debit: every payment except INVOICE, in øre. */
  voucherGross: number;
  /** The cash payments of the day (what the drawer should hold), in øre. */
  expectedCash: number;
  /** What the Z-report says was counted in the drawer (absent: the POS does not count). */
  countedCash?: number;
  invoiced: Record<string, unknown>[];
}

/**
 * One location's business day: cash with rounding, card with a tip, two product groups and a gift
 * card sold (500 kr, booked to the gift-card liability),
 * Vipps takeaway at 15 %, a sale charged by invoice (reference and comment) per customer given,
 * and a refund of the beer on the card. `times` gives the checkouts' Oslo wall times in order.
 */
export function aDay(
  company: Company,
  locationId: string,
  businessDay: string,
  invoiceCustomers: number[],
  times: (n: number) => string[] = (n) =>
    Array.from({ length: n }, (_, i) => at(businessDay, `${10 + i}:${10 + i}:00`)),
): LocationDay {
  const base = { companyId: company.companyId, locationId };
  const when = times(5 + invoiceCustomers.length);
  const card = aCheckout({
    ...base,
    completedAt: when[1],
    lines: [
      { unitPriceGross: 44900 },
      { unitPriceGross: 8900, productGroupId: 'beer' },
      { unitPriceGross: 50000, vatRate: 0, lineType: 'GIFT_CARD', productGroupId: 'giftcards' },
    ],
    tip: 5000,
  });
  const invoiced = invoiceCustomers.map((customerId, i) => {
    const receiptNumber = String(nextReceipt++);
    return aCheckout({
      ...base,
      receiptNumber,
      completedAt: when[3 + i],
      lines: [
        { description: 'Lunsjbuffet', quantity: 4 + i, unitPriceGross: 24900 },
        { description: 'Kaffe', quantity: 4, unitPriceGross: 3900, productGroupId: 'food' },
      ],
      invoice: {
        customerId,
        reference: `PO-${receiptNumber}`,
        comment: `Firmalunsj ${businessDay}`,
      },
    });
  });
  const checkouts = [
    aCheckout({
      ...base,
      completedAt: when[0],
      method: 'CASH',
      lines: [{ unitPriceGross: 18900 }],
      rounding: 40,
    }),
    card,
    aCheckout({
      ...base,
      completedAt: when[2],
      method: 'VIPPS',
      lines: [{ unitPriceGross: 8950, vatRate: 15, takeaway: true }],
    }),
    ...invoiced,
    aCheckout({
      ...base,
      completedAt: when[when.length - 1],
      kind: 'REFUND',
      refundOf: { eventId: card.eventId as string, receiptNumber: card.receiptNumber as string },
      lines: [{ unitPriceGross: 8900, productGroupId: 'beer' }],
    }),
  ];
  const payments = checkouts
    .filter((c) => !c.invoice)
    .flatMap((c) => c.payments as { method: string; amount: number }[]);
  const voucherGross = payments.reduce((s, p) => s + p.amount, 0);
  const expectedCash = payments
    .filter((p) => p.method === 'CASH')
    .reduce((s, p) => s + p.amount, 0);
  return { ...base, businessDay, checkouts, voucherGross, expectedCash, invoiced };
}

/** A busier day: `blocks` rounds of aDay's mix at one location, as one business day. */
export function aBusyDay(
  company: Company,
  locationId: string,
  businessDay: string,
  blocks: number,
  invoiceCustomers: number[],
  times?: (n: number) => string[],
): LocationDay {
  const parts = Array.from({ length: blocks }, () =>
    aDay(company, locationId, businessDay, invoiceCustomers, times),
  );
  return {
    ...parts[0],
    checkouts: parts.flatMap((p) => p.checkouts),
    invoiced: parts.flatMap((p) => p.invoiced),
    voucherGross: parts.reduce((s, p) => s + p.voucherGross, 0),
    expectedCash: parts.reduce((s, p) => s + p.expectedCash, 0),
  };
}

/** The Z-report a POS sends when the location closes its day. */
export const zReport = (day: LocationDay) => ({
  key: day.companyId,
  value: {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId: day.companyId,
    locationId: day.locationId,
    businessDay: day.businessDay,
    closedAt: new Date().toISOString(),
    checkoutCount: day.checkouts.length,
    totalGross: day.checkouts
      .flatMap((c) => c.payments as { amount: number }[])
      .reduce((s, p) => s + p.amount, 0),
    ...(day.countedCash === undefined ? {} : { countedCash: day.countedCash }),
  },
});

/** Publishes checkouts as the POS does: key = companyId, one send per batch. */
export async function sell(system: System, checkouts: Record<string, unknown>[]): Promise<void> {
  await system.kafka.produce(
    Topics.CheckoutCompletedV1,
    checkouts.map((c) => ({ key: c.companyId as string, value: c })),
  );
}

/** Today's business day, and `n` moments inside it that are already past (n ≥ 1). */
export function todaySoFar(now = DateTime.now().setZone(ZONE)): {
  day: string;
  elapsedMs: number;
  times: (n: number) => string[];
} {
  const day = dayOf(now);
  const start = DateTime.fromISO(`${day}T0${CUTOFF_HOUR}:00`, { zone: ZONE });
  return {
    day,
    elapsedMs: now.diff(start).as('milliseconds'),
    times: (n) => {
      const span = now.diff(start).as('milliseconds');
      return Array.from({ length: n }, (_, i) =>
        start
          .plus({ milliseconds: Math.floor((span * (i + 1)) / (n + 1)) })
          .startOf('second')
          .toISO({ suppressMilliseconds: true })!,
      );
    },
  };
}

export { addDays };
