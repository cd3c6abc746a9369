import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@pos-tripletex/contracts';
import { aCheckout, Collector, eventually, testInfra } from '@pos-tripletex/testing';
import { restartKafka, restartPostgres, stopPostgres } from '../src/faults';
import {
  closeDays,
  FaultCounts,
  OBSERVED_TOPICS,
  planLoad,
  recordsOf,
  send,
  settle,
} from '../src/load';
import { addDays, Company, onboard, todaySoFar } from '../src/scenario';
import { ServiceName, System } from '../src/system';

// The fault suite: the whole system (two instances of every service) under a load of checkouts
// while something breaks. Each case passes on "nothing lost, nothing duplicated", judged against
// the Tripletex sandbox's ledger and the events published back. FAULTS_SCALE=full (npm run
// test:faults) runs the large version; CI runs this size.

const FULL = process.env.FAULTS_SCALE === 'full';
const SIZE = FULL
  ? {
      blocks: 50,
      chunks: 40,
      hostilePerCompany: 500,
      foreignPerCompany: 10,
      settleMs: 480_000,
      backlog: 1000,
    }
  : {
      blocks: 3,
      chunks: 8,
      hostilePerCompany: 50,
      foreignPerCompany: 3,
      settleMs: 240_000,
      backlog: 300,
    };

/** Leases shorter than a slow Tripletex call; every periodic loop faster than the outage. */
const LEASE_SECONDS = 3;
const SUITE_ENV = {
  INVOICE_LEASE_SECONDS: String(LEASE_SECONDS),
  EXPORT_LEASE_SECONDS: String(LEASE_SECONDS),
  SYNC_LEASE_SECONDS: String(LEASE_SECONDS),
  COLLECTIVE_CHECK_SECONDS: '5',
  MESSAGING_HOUSEKEEPING_SECONDS: '5',
  REVERIFY_POLL_SECONDS: '2',
  SYNC_POLL_SECONDS: '1',
};
/** The longest period of any loop with SUITE_ENV: an outage longer than this spans every loop. */
const LONGEST_LOOP_MS = 5_000;

let system: System;
let events: Collector;
const results: (FaultCounts & { baselineMs?: number })[] = [];
let baselineMs: number | undefined;

async function companies(n: number): Promise<Company[]> {
  const startDate = addDays(todaySoFar().day, -7);
  const onboarded = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      onboard(system, { collective: false, startDate, via: i % 2 }),
    ),
  );
  await system.settingsApplied(onboarded.map((c) => c.companyId));
  return onboarded;
}

function expectClean(counts: FaultCounts) {
  results.push({ ...counts, baselineMs });
  expect(counts).toMatchObject({ lost: 0, duplicates: 0 });
  expect(counts.vouchers).toBe(counts.locationDays);
  expect(counts.invoices).toBe(counts.invoicesExpected);
}

const instance = (name: ServiceName, i: number) => system.instances(name)[i];

beforeAll(async () => {
  const early = 120_000 - todaySoFar().elapsedMs;
  if (early > 0) await sleep(early);
  system = await System.start({ instances: 2, env: SUITE_ENV });
  events = await system.kafka.collect(OBSERVED_TOPICS);
}, 300_000);

afterAll(async () => {
  if (results.length) {
    console.log(`[faults] summary\n${table(results)}`);
    // The large run's table is kept with the benchmark results; CI's smaller run changes nothing.
    if (FULL)
      writeFileSync(
        resolve(__dirname, '../../bench/results/faults.md'),
        `# Fault suite (npm run test:faults)\n\n${new Date().toISOString()}, two instances of every service.\n\n${table(results)}\n`,
      );
  }
  await system?.stop();
});

it('settles a load without any fault (the baseline the other cases are compared with)', async () => {
  // The same good load as the other cases, without hostile records: the time they are judged by.
  const load = planLoad(await companies(2), { ...SIZE, hostilePerCompany: 0 });
  const startedAt = Date.now();
  await send(system, recordsOf(load), SIZE.chunks);
  await closeDays(system, load);
  const counts = await settle(system, events, load, 'no fault', SIZE.settleMs, startedAt);
  baselineMs = counts.completionMs;
  expectClean(counts);
});

it('loses and duplicates nothing when each service is killed with -9 in the middle of a load', async () => {
  const load = planLoad(await companies(2), SIZE);
  const startedAt = Date.now();
  const kills: Record<number, () => Promise<void>> = {
    1: () =>
      Promise.all([instance('sales-export', 0).kill(), instance('invoicing', 0).kill()]).then(),
    3: () =>
      Promise.all([
        instance('sales-export', 0).restart(),
        instance('invoicing', 0).restart(),
      ]).then(),
    4: () =>
      Promise.all([
        instance('customer-sync', 0).kill(),
        instance('onboarding', 0).kill(),
        instance('invoicing', 1).kill(),
      ]).then(),
    6: () =>
      Promise.all([
        instance('customer-sync', 0).restart(),
        instance('onboarding', 0).restart(),
        instance('invoicing', 1).restart(),
      ]).then(),
  };
  await send(system, recordsOf(load), SIZE.chunks, async (i) => {
    await kills[i]?.();
    await sleep(200);
  });
  await closeDays(system, load);
  // Kill the exporters while they post the day vouchers.
  await sleep(300);
  await instance('sales-export', 1).kill();
  await sleep(1000);
  await instance('sales-export', 1).restart();
  expectClean(
    await settle(system, events, load, 'kill -9 of each service', SIZE.settleMs, startedAt),
  );
  // The restarted onboarding and customer-sync still do their work.
  const [c] = load.companies;
  expect((await system.api('onboarding', c.companyId, 'GET', '/tripletex')).body.status).toBe(
    'ACTIVE',
  );
  const [added] = await system.sandbox.addCustomers(c.tripletex.companyId, [
    { name: 'Etter krasj AS' },
  ]);
  await eventually(
    async () =>
      expect(
        (await system.api('customer-sync', c.companyId, 'GET', `/customers/${added.id}`)).status,
      ).toBe(200),
    { timeoutMs: 60_000 },
  );
});

it('loses and duplicates nothing when the Kafka broker restarts in the middle of a load', async () => {
  const load = planLoad(await companies(1), SIZE);
  const startedAt = Date.now();
  await send(system, recordsOf(load), SIZE.chunks, async (i) => {
    if (i === Math.floor(SIZE.chunks / 2)) await restartKafka(testInfra().kafkaBrokers);
  });
  await closeDays(system, load);
  expectClean(await settle(system, events, load, 'Kafka broker restart', SIZE.settleMs, startedAt));
  // Every loop and consumer waited the broker out: no process exited.
  expect(system.exited()).toEqual([]);
});

it('loses and duplicates nothing when PostgreSQL restarts in the middle of a load', async () => {
  const load = planLoad(await companies(1), SIZE);
  const startedAt = Date.now();
  await send(system, recordsOf(load), SIZE.chunks, async (i) => {
    if (i === Math.floor(SIZE.chunks / 2)) restartPostgres();
  });
  await closeDays(system, load);
  await sleep(200);
  restartPostgres(); // and once more while the vouchers are being posted
  expectClean(await settle(system, events, load, 'PostgreSQL restart', SIZE.settleMs, startedAt));
});

it('loses and duplicates nothing when Tripletex answers 10 % 5xx, times out and storms 429s', async () => {
  const load = planLoad(await companies(2), SIZE);
  await system.sandbox.setControls({
    faults: { errorRatio: 0.1, timeoutRatio: 0.05, hangMs: 3000 },
  });
  await system.sandbox.addFault({ kind: 'status', status: 429, count: 40 });
  try {
    const startedAt = Date.now();
    await send(system, recordsOf(load), SIZE.chunks);
    await closeDays(system, load);
    expectClean(
      await settle(
        system,
        events,
        load,
        'Tripletex 5xx, timeouts, 429 storm',
        SIZE.settleMs,
        startedAt,
      ),
    );
  } finally {
    await system.sandbox.setControls({ faults: { errorRatio: 0, timeoutRatio: 0, hangMs: 0 } });
  }
  const faulted = (await system.sandbox.requests()).filter(
    (r) => r.status === 429 || r.status >= 500,
  );
  expect(faulted.length).toBeGreaterThan(0);
});

it('dead-letters every malformed or hostile checkout with its reason and accounts every good one', async () => {
  const load = planLoad(await companies(2), { ...SIZE, hostilePerCompany: FULL ? 500 : 50 });
  const startedAt = Date.now();
  await send(system, recordsOf(load), SIZE.chunks);
  await closeDays(system, load);
  const counts = await settle(system, events, load, 'hostile events', SIZE.settleMs, startedAt);
  expectClean(counts);
  expect(counts.hostileSent).toBe(load.hostile.length);
  expect(counts.deadLettered).toBe(load.hostile.length * 2); // by sales-export and by invoicing
  expect(counts.refusedByInvoicing).toBe(load.foreign.length);
  expect(counts.rejectedToPos).toBe(load.hostile.length);
});

it('waits out PostgreSQL down longer than every loop: no process exits, nothing lost or duplicated', async () => {
  const load = planLoad(await companies(1), SIZE);
  const records = recordsOf(load);
  const half = Math.floor(records.length / 2);
  const startedAt = Date.now();
  await send(system, records.slice(0, half), SIZE.chunks / 2);
  // The second half arrives while the database is away: it must wait, not be dead-lettered.
  await stopPostgres(3 * LONGEST_LOOP_MS, () => send(system, records.slice(half), SIZE.chunks / 2));
  expect(system.exited()).toEqual([]);
  await closeDays(system, load);
  expectClean(await settle(system, events, load, 'PostgreSQL down 15 s', SIZE.settleMs, startedAt));
  expect(system.exited()).toEqual([]);
});

it('makes each voucher and invoice once when Tripletex answers slower than the lease', async () => {
  const [c] = await companies(1);
  await system.sandbox.setControls({
    companyLatency: [{ companyId: c.tripletex.companyId, latencyMs: LEASE_SECONDS * 2000 }],
  });
  try {
    const load = planLoad([c], { ...SIZE, blocks: 1, hostilePerCompany: 0, foreignPerCompany: 0 });
    const startedAt = Date.now();
    await send(system, recordsOf(load), 2);
    await closeDays(system, load);
    const counts = await settle(
      system,
      events,
      load,
      `Tripletex slower than the ${LEASE_SECONDS} s lease`,
      SIZE.settleMs,
      startedAt,
    );
    expectClean(counts);
    const calls = (await system.sandbox.requests(c.tripletex.companyId)).filter(
      (r) => r.status < 300,
    );
    const posts = calls.filter((r) => r.method === 'POST');
    expect(posts.filter((r) => r.path.startsWith('/ledger/voucher')).length).toBe(load.days.length);
    // One invoice per invoiced checkout: `POST /invoice` with its order inline when the customer's
    // terms date it, else an order and its `:invoice` (Tripletex dates it) – never both, never twice.
    const inOneCall = posts.filter((r) => r.path === '/invoice').length;
    const orders = posts.filter((r) => r.path === '/order').length;
    const invoiced = calls.filter((r) => r.method === 'PUT' && r.path.endsWith('/:invoice'));
    expect(orders).toBe(invoiced.length);
    expect(inOneCall + invoiced.length).toBe(load.invoiced.length);
  } finally {
    await system.sandbox.setControls({
      companyLatency: [{ companyId: c.tripletex.companyId, latencyMs: 0 }],
    });
  }
});

it('invoices one company at once while another with a slow Tripletex has a backlog', async () => {
  const [slow, quick] = await companies(2);
  const invoiceFor = (company: typeof slow, n: number) =>
    aCheckout({
      companyId: company.companyId,
      receiptNumber: `F${n}`,
      lines: [{ unitPriceGross: 10000 + n }],
      invoice: { customerId: company.customers[0], reference: `FAIR-${company.companyId}-${n}` },
    });
  const invoicedAt = async (c: Record<string, unknown>) =>
    eventually(
      () => {
        const last = events
          .json<{ checkoutEventId: string; status: string }>(Topics.InvoiceStatusV1)
          .filter((e) => e.checkoutEventId === c.eventId)
          .at(-1);
        expect(last?.status).toBe('INVOICED');
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  // Without the noisy neighbour: how long one invoice takes.
  const alone = invoiceFor(quick, 0);
  let sentAt = Date.now();
  await system.kafka.produce(Topics.CheckoutCompletedV1, [{ key: quick.companyId, value: alone }]);
  await invoicedAt(alone);
  const aloneMs = Date.now() - sentAt;
  await system.sandbox.setControls({
    companyLatency: [{ companyId: slow.tripletex.companyId, latencyMs: 2000 }],
  });
  try {
    const backlog = Array.from({ length: SIZE.backlog }, (_, n) => invoiceFor(slow, n));
    await system.kafka.produce(
      Topics.CheckoutCompletedV1,
      backlog.map((c) => ({ key: slow.companyId, value: c })),
    );
    await sleep(3000); // the backlog is taken in and its first invoices are under way
    const beside = invoiceFor(quick, 1);
    sentAt = Date.now();
    await system.kafka.produce(Topics.CheckoutCompletedV1, [
      { key: quick.companyId, value: beside },
    ]);
    await invoicedAt(beside);
    const besideMs = Date.now() - sentAt;
    const done = events
      .json<{ checkoutEventId: string; status: string }>(Topics.InvoiceStatusV1)
      .filter(
        (e) => e.status === 'INVOICED' && backlog.some((b) => b.eventId === e.checkoutEventId),
      ).length;
    results.push({
      case: `fairness: 1 invoice beside a slow company's backlog of ${SIZE.backlog} (2 s per call)`,
      eventsSent: SIZE.backlog + 2,
      applied: 2 + done,
      hostileSent: 0,
      locationDays: 0,
      vouchers: 0,
      invoicesExpected: 2,
      invoices: 2,
      refusedByInvoicing: 0,
      deadLettered: 0,
      rejectedToPos: 0,
      duplicates: 0,
      lost: 0,
      completionMs: besideMs,
      baselineMs: aloneMs,
    });
    console.log(
      `[faults] fairness: alone ${aloneMs} ms, beside the backlog ${besideMs} ms (${done}/${SIZE.backlog} of the backlog invoiced by then)`,
    );
    expect(done).toBeLessThan(SIZE.backlog / 10);
    expect(besideMs).toBeLessThan(aloneMs + 10_000);
  } finally {
    await system.sandbox.setControls({
      companyLatency: [{ companyId: slow.tripletex.companyId, latencyMs: 0 }],
    });
  }
});

function table(rows: (FaultCounts & { baselineMs?: number })[]): string {
  const cols = [
    'case',
    'eventsSent',
    'applied',
    'hostileSent',
    'deadLettered',
    'rejectedToPos',
    'locationDays',
    'vouchers',
    'invoicesExpected',
    'invoices',
    'refusedByInvoicing',
    'duplicates',
    'lost',
    'completionMs',
    'baselineMs',
  ] as const;
  return [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => String(r[c] ?? '–')).join(' | ')} |`),
  ].join('\n');
}
