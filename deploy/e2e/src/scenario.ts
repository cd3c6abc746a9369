import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Topics } from '@pos-tripletex/contracts';
import { addDays, businessDayOf } from '@pos-tripletex/platform';
import { aCheckout, SandboxCompany, uniqueName } from '@pos-tripletex/testing';
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

/** Fails with the step, status and body when an answer is not the expected one. */
function expectStatus(step: string, answer: { status: number; body: unknown }, status: number) {
  if (answer.status !== status)
    throw new Error(`${step}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** What onboarding needs of a system: BackOffice calls and the Tripletex sandbox. */
export type Backoffice = Pick<System, 'api' | 'sandbox'>;

/**
 * The BackOffice wizard, step by step as the operator's guide has it: paste the employee token,
 * start date, payment methods, product groups (eat-in and takeaway), other events, invoicing and
 * collective invoice, a department per location, finish. `via` picks which onboarding instance answers (they share a DB).
 */
export async function onboard(
  system: Backoffice,
  options: { collective: boolean; startDate: string; via?: number; customers?: number },
): Promise<Company> {
  const via = options.via ?? 0;
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
  const step = (method: string, path: string, body?: unknown) =>
    system.api('onboarding', companyId, method, `/tripletex${path}`, body, via);

  expectStatus(
    'token',
    await step('POST', '/token', { employeeToken: tripletex.employeeToken }),
    200,
  );
  const card = await step('POST', '/accounts', { number: 1921, name: 'Kortoppgjør' });
  expectStatus('create account 1921', card, 201);
  const chart = await step('GET', '/accounts?count=1000');
  expectStatus('accounts', chart, 200);
  const id = (n: number): number => {
    const account = (chart.body.values as { id: number; number: number }[]).find(
      (a) => a.number === n,
    );
    if (!account) throw new Error(`account ${n} is not in the chart`);
    return account.id;
  };
  const steps: [string, unknown][] = [
    [
      '/start-date',
      { startDate: options.startDate, dayCutoffHour: CUTOFF_HOUR, graceMinutes: 24 * 60 },
    ],
    [
      '/payment-methods',
      {
        paymentMethods: [
          { paymentMethodId: 'cash', name: 'Kontant', method: 'CASH', accountId: id(1900) },
          { paymentMethodId: 'card', name: 'Bankkort', method: 'CARD', accountId: id(1921) },
          { paymentMethodId: 'vipps', name: 'Vipps', method: 'VIPPS', accountId: id(1921) },
          { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
        ],
      },
    ],
    [
      '/product-groups',
      {
        productGroups: [
          { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: id(3000) },
          { productGroupId: 'beer', name: 'Øl', vatRate: 25, accountId: id(3000) },
        ],
      },
    ],
    [
      '/product-groups-takeaway',
      {
        productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: id(3001) }],
      },
    ],
    [
      '/other-events',
      {
        otherEvents: [
          { event: 'TIPS', accountId: id(2910) },
          { event: 'ROUNDING', accountId: id(7740) },
          { event: 'GIFT_CARDS_SOLD', accountId: id(2960) },
          { event: 'CASH_DIFFERENCE', accountId: id(1909) },
        ],
      },
    ],
    [
      '/invoicing',
      { enabled: true, collective: { enabled: options.collective, cadence: 'ON_DEMAND' } },
    ],
  ];
  for (const [path, body] of steps) expectStatus(path, await step('PUT', path, body), 200);
  // Each location its own department, created from the wizard.
  const departments: Record<string, number> = {};
  for (const [i, locationId] of LOCATIONS.entries()) {
    const created = await step('POST', '/departments', {
      name: locationId,
      number: String(10 + i),
    });
    expectStatus(`department for ${locationId}`, created, 201);
    departments[locationId] = (created.body as { id: number }).id;
  }
  expectStatus(
    '/locations',
    await step('PUT', '/locations', {
      locations: LOCATIONS.map((locationId) => ({
        locationId,
        departmentId: departments[locationId],
      })),
    }),
    200,
  );
  const finished = await step('POST', '/finish');
  expectStatus('finish', finished, 200);
  if ((finished.body as { status: string }).status !== 'ACTIVE')
    throw new Error(`finish: ${JSON.stringify(finished.body)}`);
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
