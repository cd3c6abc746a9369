import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  Collector,
  eventually,
  expectAdminSurface,
  expectClosedPublicSurface,
} from '@pos-tripletex/testing';
import {
  aDay,
  addDays,
  Company,
  LOCATIONS,
  LocationDay,
  onboard,
  sell,
  todaySoFar,
  zReport,
} from '../src/scenario';
import { committedDocument } from '../src/backoffice-client';
import { SERVICE_NAMES, System } from '../src/system';

// The seed flow end to end, the way an operator and a POS use the product: every service as its
// own process, two instances of each in one consumer group, real Kafka and PostgreSQL, the
// Tripletex sandbox as Tripletex. Two restaurants (one with collective invoicing) onboard through
// the wizard, sell for three days at two locations, and the Tripletex ledger is checked to the øre.

let system: System;
let events: Collector;

const ofTopic = (topic: string, companyId: string) =>
  events.messages
    .filter((m) => m.topic === topic && m.value && m.key?.startsWith(companyId))
    .map((m) => JSON.parse(m.value!.toString()));

const kroner = (ore: number) => Math.round(ore) / 100;
const ore = (kr: number) => Math.round(kr * 100);

async function waitForDays(days: LocationDay[], timeoutMs = 90_000) {
  return eventually(
    () =>
      days.map((d) => {
        const last = ofTopic(Topics.DayStatusV1, d.companyId)
          .filter((e) => e.locationId === d.locationId && e.businessDay === d.businessDay)
          .at(-1);
        if (last?.status !== 'POSTED')
          throw new Error(
            `${d.locationId} ${d.businessDay}: ${last?.status ?? 'no status'} ${last?.reason ?? ''}`,
          );
        return last;
      }),
    { timeoutMs, intervalMs: 250 },
  );
}

async function lastInvoiceStatus(companyId: string, eventId: string, status: string) {
  return eventually(
    () => {
      const last = ofTopic(Topics.InvoiceStatusV1, companyId)
        .filter((e) => e.checkoutEventId === eventId)
        .at(-1);
      if (last?.status !== status)
        throw new Error(`${eventId}: ${last?.status ?? 'no status'} ${last?.lastError ?? ''}`);
      return last;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

beforeAll(async () => {
  system = await System.start({ instances: 2 });
  events = await system.kafka.collect([
    Topics.DayStatusV1,
    Topics.InvoiceStatusV1,
    Topics.CustomersChangedV1,
    deadLetterTopic(Topics.CheckoutCompletedV1),
    deadLetterTopic(Topics.DayClosedV1),
  ]);
}, 300_000);

afterAll(async () => {
  await system?.stop();
});

it('runs two instances of every service, sharing each consumer group’s partitions', async () => {
  for (const name of SERVICE_NAMES) {
    const members = await system.sharedWork(name);
    expect(members).toHaveLength(2);
    const held = members.flatMap((m) =>
      Object.entries(m).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)),
    );
    expect(new Set(held).size).toBe(held.length); // no partition held twice
  }
  // Every instance is ready, and sees Kafka, its database and Tripletex (its admin listener says).
  for (const instance of system.all()) {
    const ready = await fetch(`${instance.adminUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { info: unknown }).info).toMatchObject({
      database: { status: 'up' },
      kafka: { status: 'up' },
      tripletex: { status: 'up', reachable: true },
    });
  }
  // sales-export reads checkouts in batches with a consumer group of its own.
  const checkoutGroup = `${system.groups.get('sales-export')}-checkouts`;
  const members = await system.sharedWork('sales-export', checkoutGroup);
  const counts = members.map((m) => m[Topics.CheckoutCompletedV1]?.length ?? 0);
  expect(counts.every((n) => n > 0)).toBe(true);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(
    await system.partitionsOf(Topics.CheckoutCompletedV1),
  );
});

it('shows the outside of every instance a bare status: /metrics and /docs only on its admin listener', async () => {
  for (const instance of system.all()) {
    await expectClosedPublicSurface(instance.url);
    // …and /docs serves exactly the committed OpenAPI document BackOffice teams generate from.
    await expectAdminSurface(instance.adminUrl, {
      name: instance.name,
      apiDocs: true,
      document: committedDocument(instance.name),
    });
  }
});

/** How much less cash the first location counts in its drawer than it took, in øre. */
const CASH_SHORT = 3750;

describe('from the employee token to invoices and vouchers', () => {
  let collective: Company;
  let single: Company;
  let days: LocationDay[];

  beforeAll(async () => {
    // Today's checkouts must lie in the past: right after the cut-off, wait for a few minutes of day.
    const early = 120_000 - todaySoFar().elapsedMs;
    if (early > 0) await sleep(early);
    const today = todaySoFar();
    const startDate = addDays(today.day, -7);
    [collective, single] = await Promise.all([
      onboard(system, { collective: true, startDate, via: 0 }),
      onboard(system, { collective: false, startDate, via: 1 }),
    ]);
    await system.settingsApplied([collective.companyId, single.companyId]);
    const plan = (c: Company) => {
      const invoiceCustomers = c.collective ? c.customers.slice(0, 2) : c.customers.slice(0, 1);
      return {
        // An offline register's day, sent days later: it closes by itself at cut-off + grace.
        late: [aDay(c, LOCATIONS[0], addDays(today.day, -3), invoiceCustomers)],
        // Yesterday and today, closed by each location's Z-report.
        live: LOCATIONS.flatMap((loc) => [
          aDay(c, loc, addDays(today.day, -1), invoiceCustomers),
          aDay(c, loc, today.day, invoiceCustomers, today.times),
        ]),
      };
    };
    const plans = [plan(collective), plan(single)];
    // The first location counts its drawer: 37.50 kr short on every day it closes.
    for (const p of plans)
      for (const d of p.live)
        if (d.locationId === LOCATIONS[0]) d.countedCash = d.expectedCash - CASH_SHORT;
    days = plans.flatMap((p) => [...p.late, ...p.live]);
    for (const p of plans)
      await sell(
        system,
        p.late.flatMap((d) => d.checkouts),
      );
    for (const p of plans)
      await sell(
        system,
        p.live.flatMap((d) => d.checkouts),
      );
    await system.kafka.produce(
      Topics.DayClosedV1,
      plans.flatMap((p) => p.live.map(zReport)),
    );
  }, 300_000);

  // onboard() walked each wizard through onboarding's generated, typed client (openapi-typescript +
  // openapi-fetch from services/onboarding/openapi.json) and required the read-back to be what it
  // wrote; here the same client reads the live integration and meets a refusal, typed as ErrorBody.
  it('runs the wizard through the client generated from the OpenAPI document, errors included', async () => {
    for (const [c, via] of [
      [collective, 0],
      [single, 1],
    ] as const) {
      const client = system.onboarding(c.companyId, via);
      const params = { path: { companyId: c.companyId } };
      const read = await client.GET('/v1/companies/{companyId}/tripletex', { params });
      expect(read.data).toMatchObject({ status: 'ACTIVE', nextStep: null, configVersion: 1 });
      expect(read.data?.paymentMethods.map((m) => [m.paymentMethodId, m.method])).toEqual([
        ['cash', 'CASH'],
        ['card', 'CARD'],
        ['vipps', 'VIPPS'],
        ['invoice', 'INVOICE'],
      ]);
      // A body the document does not allow does not compile; sent anyway, the answer names it.
      const refused = await client.PUT('/v1/companies/{companyId}/tripletex/payment-methods', {
        params,
        body: {} as never,
      });
      expect(refused.response.status).toBe(400);
      expect(refused.error).toEqual({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid',
        errors: [
          {
            field: 'paymentMethods',
            messages: [
              'paymentMethods is required: a list of payment methods (an empty list [] for none)',
            ],
          },
        ],
        requestId: expect.any(String),
      });
    }
  });

  it('shows each company’s Tripletex customers through customer-sync, and follows edits', async () => {
    for (const [c, via] of [
      [collective, 1],
      [single, 0],
    ] as const) {
      const listed = await eventually(
        async () => {
          const answer = await system.api(
            'customer-sync',
            c.companyId,
            'GET',
            '/customers',
            undefined,
            via,
          );
          expect(answer.status).toBe(200);
          expect(answer.body.total).toBe(3);
          return answer.body.values as { customerId: number; name: string }[];
        },
        { timeoutMs: 60_000 },
      );
      expect(listed.map((x) => x.customerId).sort()).toEqual([...c.customers].sort());
    }
    // A customer created in Tripletex reaches BackOffice and the POS (webhook or changed-since).
    const [added] = await system.sandbox.addCustomers(single.tripletex.companyId, [
      { name: 'Nykunde AS', email: 'ny@example.no' },
    ]);
    await eventually(
      async () => {
        const answer = await system.api(
          'customer-sync',
          single.companyId,
          'GET',
          `/customers/${added.id}`,
          undefined,
          1,
        );
        expect(answer).toMatchObject({ status: 200, body: { name: 'Nykunde AS' } });
      },
      { timeoutMs: 60_000 },
    );
    // …and the POS hears of it on customers.changed.v1 (published after the commit, by the outbox).
    const shownAt = Date.now();
    await eventually(
      () => {
        const changed = ofTopic(Topics.CustomersChangedV1, single.companyId);
        expect(changed.some((e) => JSON.stringify(e).includes('Nykunde AS'))).toBe(true);
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    console.log(
      `[flow] customers.changed.v1 arrived ${Date.now() - shownAt} ms after the API showed the customer`,
    );
  });

  it('posts one balanced voucher per location and business day, without the invoiced sales', async () => {
    const posted = await waitForDays(days);
    for (const company of [collective, single]) {
      const mine = days.filter((d) => d.companyId === company.companyId);
      const ledger = await system.sandbox.ledger<{ vouchers: any[] }>(company.tripletex.companyId);
      // The day vouchers (each invoice books its own voucher, without an external number).
      ledger.vouchers = ledger.vouchers.filter((v) => v.externalVoucherNumber);
      expect(ledger.vouchers).toHaveLength(mine.length);
      for (const day of mine) {
        const status = posted[days.indexOf(day)];
        expect(status).toMatchObject({
          checkouts: day.checkouts.length,
          postedGross: day.voucherGross,
          voucher: { kind: 'ORIGINAL', voucherId: expect.any(Number) },
        });
        const voucher = ledger.vouchers.find((v) => v.id === status.voucher.voucherId);
        expect(voucher).toMatchObject({
          date: day.businessDay,
          externalVoucherNumber: status.voucher.externalVoucherNumber,
        });
        expect(voucher.description).toContain(day.locationId);
        const rows = (voucher.postings as any[]).filter((p) => !p.systemGenerated);
        // Balanced to the øre; the debits are the day's non-invoice payments (and a cash shortage).
        const short = day.countedCash === undefined ? 0 : day.expectedCash - day.countedCash;
        expect(rows.reduce((s, p) => s + ore(p.amountGross), 0)).toBe(0);
        expect(
          rows.filter((p) => p.amountGross > 0).reduce((s, p) => s + ore(p.amountGross), 0),
        ).toBe(day.voucherGross + short);
        // The gift card sold is a liability without VAT; what the drawer lacks is a cash difference.
        const on = (account: number) =>
          rows
            .filter((p) => p.account.number === account)
            .map((p) => [ore(p.amountGross), p.vatType?.number ?? null]);
        expect(on(2960)).toEqual([[-50000, null]]);
        // Every posting carries the location's department.
        expect(new Set(rows.map((p) => p.department?.id))).toEqual(
          new Set([company.departments[day.locationId]]),
        );
        expect(on(1909)).toEqual(short ? [[short, null]] : []);
        if (day.countedCash !== undefined)
          expect(status.reconciliation).toMatchObject({
            countedCash: day.countedCash,
            expectedCash: day.expectedCash,
            cashDifference: -short,
            mismatches: [],
          });
      }
      const numbers = ledger.vouchers.map((v) => v.externalVoucherNumber);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
    // The sandbox saw exactly one successful voucher post per location-day: no retry posted twice.
    const requests = await system.sandbox.requests();
    const voucherPosts = requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/ledger/voucher') && r.status < 300,
    );
    expect(voucherPosts).toHaveLength(days.length);
  });

  it('invoices every checkout charged by invoice, one invoice each or one per customer', async () => {
    const singleInvoiced = days
      .filter((d) => d.companyId === single.companyId)
      .flatMap((d) => d.invoiced);
    for (const c of singleInvoiced) {
      const status = await lastInvoiceStatus(single.companyId, c.eventId as string, 'INVOICED');
      expect(status.amount).toBe((c.payments as { amount: number }[])[0].amount);
    }
    const singleLedger = await system.sandbox.ledger<{ invoices: any[]; orders: any[] }>(
      single.tripletex.companyId,
    );
    expect(singleLedger.invoices).toHaveLength(singleInvoiced.length);
    for (const c of singleInvoiced) {
      const invoice = c.invoice as { customerId: number; reference: string; comment: string };
      const order = singleLedger.orders.find((o) => o.reference === invoice.reference);
      expect(order?.invoiceComment).toContain(invoice.comment);
      expect(order?.customer?.id).toBe(invoice.customerId);
    }

    // Collective invoicing: each checkout waits as an order; one run makes one invoice per customer.
    const collectiveInvoiced = days
      .filter((d) => d.companyId === collective.companyId)
      .flatMap((d) => d.invoiced);
    for (const c of collectiveInvoiced)
      await lastInvoiceStatus(collective.companyId, c.eventId as string, 'ORDERED');
    expect(
      (await system.sandbox.ledger<{ invoices: any[] }>(collective.tripletex.companyId)).invoices,
    ).toHaveLength(0);
    const expected = new Map<number, number>();
    for (const c of collectiveInvoiced) {
      const customerId = (c.invoice as { customerId: number }).customerId;
      const amount = (c.payments as { amount: number }[])[0].amount;
      expected.set(customerId, (expected.get(customerId) ?? 0) + amount);
    }
    const run = await system.api(
      'invoicing',
      collective.companyId,
      'POST',
      '/collective-invoices/run',
      undefined,
      1,
    );
    expect(run.status).toBe(200);
    expect(run.body.results).toHaveLength(expected.size);
    for (const c of collectiveInvoiced)
      await lastInvoiceStatus(collective.companyId, c.eventId as string, 'INVOICED');
    const ledger = await system.sandbox.ledger<{ invoices: any[] }>(collective.tripletex.companyId);
    expect(ledger.invoices).toHaveLength(expected.size);
    for (const invoice of ledger.invoices)
      expect(ore(invoice.amount)).toBe(expected.get(invoice.customer.id));
    expect(kroner([...expected.values()].reduce((s, v) => s + v, 0))).toBeGreaterThan(0);
  });

  it('holds every sale exactly once in the Tripletex ledger: the day vouchers plus the invoices’ own postings', async () => {
    for (const company of [collective, single]) {
      const mine = days.filter((d) => d.companyId === company.companyId);
      const sold = mine
        .flatMap((d) => d.checkouts)
        .reduce(
          (sum, c) => sum + (c.payments as { amount: number }[]).reduce((s, p) => s + p.amount, 0),
          0,
        );
      const short = mine.reduce(
        (s, d) => s + (d.countedCash === undefined ? 0 : d.expectedCash - d.countedCash),
        0,
      );
      const ledger = await system.sandbox.ledger<{ vouchers: any[]; invoices: any[] }>(
        company.tripletex.companyId,
      );
      const rows = ledger.vouchers.flatMap((v) =>
        (v.postings as any[]).filter((p) => !p.systemGenerated),
      );
      // Every sale's money is debited once: its payments on the day voucher, or its invoice's
      // receivable (1500, with the customer); and the books balance.
      const debits = rows
        .filter((p) => p.amountGross > 0)
        .reduce((s, p) => s + ore(p.amountGross), 0);
      expect(debits).toBe(sold + short);
      expect(rows.reduce((s, p) => s + ore(p.amountGross), 0)).toBe(0);
      const receivable = rows
        .filter((p) => p.account.number === 1500)
        .reduce((s, p) => s + ore(p.amountGross), 0);
      const invoiced = mine
        .flatMap((d) => d.invoiced)
        .reduce((s, c) => s + (c.payments as { amount: number }[])[0].amount, 0);
      expect(receivable).toBe(invoiced);
      expect(ledger.invoices.reduce((s, i) => s + ore(i.amount), 0)).toBe(invoiced);
    }
  });

  it('rejects nothing that was valid: no dead letters for these companies', () => {
    for (const c of [collective, single]) {
      expect(ofTopic(deadLetterTopic(Topics.CheckoutCompletedV1), c.companyId)).toEqual([]);
      expect(ofTopic(deadLetterTopic(Topics.DayClosedV1), c.companyId)).toEqual([]);
    }
  });
});
