#!/usr/bin/env node
// Benchmark of the whole system: `npm run bench` (needs `npm run infra -- up`; builds first).
// Every service as its own process (BENCH_INSTANCES of each, default 2, one consumer group per
// service), the Tripletex sandbox as Tripletex, real Kafka and PostgreSQL – the e2e harness.
// Measures, each beside its ceiling from the same run:
//   1. end-to-end checkout events/s: checkouts published until every location-day is POSTED and
//      every invoice-paid checkout INVOICED  ← Kafka's ProducerPerformance / ConsumerPerformance
//      on a scratch topic of the same record size, and the sandbox's rate limit;
//   2. checkout-to-invoice latency p50/p99 at a steady rate  ← Kafka's EndToEndLatency;
//   3. Tripletex calls per invoice and per voucher (from the sandbox's request log);
//   4. backfill of 365 days at 50 ms Tripletex latency and 10 requests/s  ← rate limit ÷ calls/day;
//   5. peak memory per service (VmHWM of each process; the largest instance).
// Results: deploy/bench/results/e2e.json and e2e.md.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DATABASE_URL,
  KAFKA_BROKERS,
  KAFKA_TOOL_PROPERTIES,
  machine,
  peakMemoryMb,
  percentile,
  root,
  sleep,
  writeResults,
} from './bench-kit.mjs';
import { e2eMarkdown } from './e2e-report.mjs';

process.env.KAFKA_BROKERS ??= KAFKA_BROKERS;
process.env.DATABASE_URL ??= DATABASE_URL;
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 20_000);
const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 4);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);
const LATENCY_INVOICES = Number(process.env.BENCH_LATENCY_INVOICES ?? 300);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 10); // invoice checkouts per second
const BACKFILL_DAYS = Number(process.env.BENCH_BACKFILL_DAYS ?? 365);

const { System } = await import(`${root}deploy/e2e/dist/system.js`);
const scenario = await import(`${root}deploy/e2e/dist/scenario.js`);
const { Topics } = await import(`${root}libs/contracts/dist/index.js`);
const { aCheckout } = await import(`${root}libs/testing/dist/index.js`);

const round = (n, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
const log = (m) => console.error(`[bench] ${m}`);

// ---- Kafka's own tools (kafka-tools artifact) on a scratch topic ------------------------------
const libs = `${root}.cache/kafka/libs`;
function kafkaTool(mainClass, args) {
  return execFileSync(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j.configuration=file:${root}.cache/kafka/tools-log4j.properties`,
      '-cp',
      `${libs}/*`,
      mainClass,
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

/** The admin properties of an authenticating broker for Kafka's tools ('' for an open one). */
const toolProperties = () =>
  existsSync(KAFKA_TOOL_PROPERTIES) ? readFileSync(KAFKA_TOOL_PROPERTIES, 'utf8') : '';
const toolConfig = (flag) =>
  toolProperties().trim() ? (flag ? [flag, KAFKA_TOOL_PROPERTIES] : [KAFKA_TOOL_PROPERTIES]) : [];

function kafkaCeilings(recordSize) {
  if (!existsSync(libs)) return null;
  const topic = `bench-ceiling-${randomUUID()}`;
  const records = 200_000;
  kafkaTool('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    KAFKA_BROKERS,
    ...toolConfig('--command-config'),
    '--create',
    '--topic',
    topic,
    '--partitions',
    '6',
    '--replication-factor',
    '1',
  ]);
  try {
    const produced = kafkaTool('org.apache.kafka.tools.ProducerPerformance', [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      ...toolConfig('--producer.config'),
      '--producer-props',
      `bootstrap.servers=${KAFKA_BROKERS}`,
      'acks=all',
      'linger.ms=5',
    ]);
    const last = produced.trim().split('\n').at(-1);
    const producerRecordsPerSecond = Number(/([\d.]+) records\/sec/.exec(last)?.[1]);
    const config = `${root}.cache/kafka/perf-consumer.properties`;
    writeFileSync(config, `max.poll.records=5000\nfetch.max.wait.ms=100\n${toolProperties()}`);
    const consumed = kafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server',
      KAFKA_BROKERS,
      '--topic',
      topic,
      '--messages',
      String(records),
      '--group',
      `perf-${randomUUID()}`,
      '--timeout',
      '120000',
      '--consumer.config',
      config,
    ]);
    const lines = consumed.trim().split('\n');
    const h = lines.findIndex((l) => l.startsWith('start.time'));
    const names = lines[h].split(',').map((s) => s.trim());
    const row = Object.fromEntries(lines[h + 1].split(',').map((v, i) => [names[i], v.trim()]));
    const latency = kafkaTool('org.apache.kafka.tools.EndToEndLatency', [
      KAFKA_BROKERS,
      topic,
      '2000',
      'all',
      String(recordSize),
      ...toolConfig(),
    ]);
    const p = (name) => Number(new RegExp(`${name}\\D*([\\d.]+)`).exec(latency)?.[1]);
    return {
      recordSize,
      producerRecordsPerSecond,
      consumerRecordsPerSecond: Number(row['nMsg.sec']),
      consumerFetchRecordsPerSecond: Number(row['fetch.nMsg.sec']),
      endToEndLatencyMs: {
        avg: Number(/Avg latency: ([\d.]+)/.exec(latency)?.[1]),
        p50: p('50th'),
        p99: p('99th'),
      },
    };
  } finally {
    kafkaTool('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      KAFKA_BROKERS,
      ...toolConfig('--command-config'),
      '--delete',
      '--topic',
      topic,
    ]);
  }
}

// ---- the system --------------------------------------------------------------------------------
const sample = aCheckout({
  companyId: 'e2e_co_0123456789',
  lines: [{ unitPriceGross: 18900 }, { unitPriceGross: 8900 }],
});
const recordSize = Buffer.byteLength(JSON.stringify(sample));
log(
  `Kafka ceilings with ${recordSize}-byte records (ProducerPerformance, ConsumerPerformance, EndToEndLatency)`,
);
const kafka = kafkaCeilings(recordSize);

log(`starting the sandbox and ${INSTANCES} instance(s) of every service`);
const system = await System.start({ instances: INSTANCES, env: { LOG_LEVEL: 'warn' } });
/** Peak RSS (VmHWM) per service, the largest of its instances, MB. */
const peakMemory = () => {
  const peak = {};
  for (const i of system.all())
    peak[i.name] = Math.max(peak[i.name] ?? 0, peakMemoryMb(i.process.child.pid));
  peak['tripletex-sandbox'] = peakMemoryMb(system.sandbox.pid);
  return peak;
};
const DLQ = `${Topics.CheckoutCompletedV1}.dlq`;
const events = await system.kafka.collect([Topics.DayStatusV1, Topics.InvoiceStatusV1, DLQ]);
const benchCompanies = new Set();
const lastStatus = (topic, keyOf) => {
  const last = new Map();
  for (const m of events.messages)
    if (m.topic === topic && m.value) {
      const e = JSON.parse(m.value.toString());
      last.set(keyOf(e), { ...e, at: m.receivedAt });
    }
  return last;
};
async function until(what, check, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = check();
    if (left === 0) return Date.now();
    // A benchmark whose own records are rejected measures nothing: stop with the reason.
    const rejected = events.messages.find((m) => m.topic === DLQ && benchCompanies.has(m.key));
    if (rejected) throw new Error(`dead-lettered: ${rejected.headers['dlq-error-message']}`);
    if (Date.now() > deadline) throw new Error(`${what}: ${left} left after ${timeoutMs} ms`);
    await sleep(100);
  }
}
const requestCounts = async (companyIds) => {
  const rows = (await system.sandbox.requests()).filter((r) => companyIds.includes(r.companyId));
  const by = (test) => rows.filter(test).length;
  return {
    total: rows.length,
    voucher: by((r) => r.path.includes('/ledger')),
    invoice: by(
      (r) =>
        r.path.includes('/order') || r.path.includes('/invoice') || /\/customer\/\d+/.test(r.path),
    ),
    session: by((r) => r.path.includes('/token/session')),
  };
};

let result;
try {
  const today = scenario.todaySoFar();
  const startDate = scenario.addDays(today.day, -(BACKFILL_DAYS + 2));
  const companies = [];
  for (let i = 0; i < COMPANIES; i++)
    companies.push(
      await scenario.onboard(system, { collective: false, startDate, via: i % INSTANCES }),
    );
  for (const c of companies) benchCompanies.add(c.companyId);

  // (System.start waited for the new consumer groups to replay the topics' history.)
  // 1. Throughput: CHECKOUTS checkouts of today at two locations per company, 1 in 10 by invoice.
  log(`throughput: ${CHECKOUTS} checkouts for ${COMPANIES} companies`);
  const days = [];
  const invoiced = [];
  const perDay = Math.ceil(CHECKOUTS / (COMPANIES * scenario.LOCATIONS.length));
  const times = today.times(perDay);
  for (const c of companies)
    for (const locationId of scenario.LOCATIONS) {
      const checkouts = Array.from({ length: perDay }, (_, n) =>
        aCheckout({
          companyId: c.companyId,
          locationId,
          completedAt: times[n],
          method: n % 10 === 9 ? 'INVOICE' : ['CASH', 'CARD', 'VIPPS'][n % 3],
          lines: [
            { unitPriceGross: 18900 + (n % 7) * 100 },
            { unitPriceGross: 8900, productGroupId: 'beer' },
          ],
          ...(n % 10 === 9
            ? { invoice: { customerId: c.customers[n % c.customers.length], reference: `B-${n}` } }
            : {}),
        }),
      );
      days.push({ companyId: c.companyId, locationId, businessDay: today.day, checkouts });
      invoiced.push(...checkouts.filter((x) => x.invoice));
    }
  const all = days.flatMap((d) => d.checkouts);
  const t0 = Date.now();
  for (let i = 0; i < all.length; i += 500)
    await system.kafka.produce(
      Topics.CheckoutCompletedV1,
      all.slice(i, i + 500).map((c) => ({ key: c.companyId, value: c })),
    );
  const published = Date.now();
  await system.kafka.produce(Topics.DayClosedV1, days.map(scenario.zReport));
  const dayKey = (e) => `${e.companyId} ${e.locationId} ${e.businessDay}`;
  const tDays = await until('days posted', () => {
    const s = lastStatus(Topics.DayStatusV1, dayKey);
    return days.filter((d) => s.get(dayKey(d))?.status !== 'POSTED').length;
  });
  const tInvoices = await until('invoices', () => {
    const s = lastStatus(Topics.InvoiceStatusV1, (e) => e.checkoutEventId);
    return invoiced.filter((c) => s.get(c.eventId)?.status !== 'INVOICED').length;
  });
  const elapsed = (Math.max(tDays, tInvoices) - t0) / 1000;
  const calls = await requestCounts(companies.map((c) => c.tripletex.companyId));
  const controls = await system.sandbox.operator('GET', 'controls');
  const throughput = {
    checkouts: all.length,
    invoiced: invoiced.length,
    locationDays: days.length,
    publishSeconds: round((published - t0) / 1000, 2),
    seconds: round(elapsed, 2),
    eventsPerSecond: round(all.length / elapsed),
    eventsPerSecondToVouchers: round(all.length / ((tDays - t0) / 1000)),
    vouchersPostedAfterSeconds: round((tDays - t0) / 1000, 2),
    invoicedAfterSeconds: round((tInvoices - t0) / 1000, 2),
    invoicesPerSecond: round(invoiced.length / ((tInvoices - t0) / 1000), 1),
    tripletexCalls: calls,
    callsPerInvoice: round(calls.invoice / invoiced.length, 2),
    callsPerVoucher: round(calls.voucher / days.length, 2),
    sandboxRateLimit: controls.rateLimit,
    companies: COMPANIES,
  };
  log(JSON.stringify(throughput));

  // 2. Latency: invoice-paid checkouts at a steady rate, published → INVOICED status event.
  log(`latency: ${LATENCY_INVOICES} invoice checkouts at ${LATENCY_RATE}/s`);
  const sentAt = new Map();
  const c0 = companies[0];
  for (let n = 0; n < LATENCY_INVOICES; n++) {
    const c = aCheckout({
      companyId: c0.companyId,
      completedAt: today.times(1)[0],
      lines: [{ unitPriceGross: 24900 }],
      invoice: { customerId: c0.customers[n % c0.customers.length], reference: `L-${n}` },
    });
    sentAt.set(c.eventId, Date.now());
    await system.kafka.produce(Topics.CheckoutCompletedV1, [{ key: c.companyId, value: c }]);
    await sleep(1000 / LATENCY_RATE);
  }
  await until('latency invoices', () => {
    const s = lastStatus(Topics.InvoiceStatusV1, (e) => e.checkoutEventId);
    return [...sentAt.keys()].filter((id) => s.get(id)?.status !== 'INVOICED').length;
  });
  const s = lastStatus(Topics.InvoiceStatusV1, (e) => e.checkoutEventId);
  const latencies = [...sentAt].map(([id, t]) => s.get(id).at - t).sort((a, b) => a - b);
  const latency = {
    invoices: latencies.length,
    ratePerSecond: LATENCY_RATE,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1),
  };
  log(JSON.stringify(latency));

  // 3. Backfill: one checkout a day for BACKFILL_DAYS past days, 50 ms latency, 10 requests/s.
  log(`backfill: ${BACKFILL_DAYS} days at 50 ms latency and 10 requests/s`);
  const b = await scenario.onboard(system, { collective: false, startDate, via: 0 });
  benchCompanies.add(b.companyId);
  await system.sandbox.setControls({ latencyMs: 50, rateLimit: { limit: 10, windowSeconds: 1 } });
  const backfillDays = Array.from({ length: BACKFILL_DAYS }, (_, i) =>
    scenario.addDays(today.day, -(i + 2)),
  );
  const b0 = Date.now();
  await system.kafka.produce(
    Topics.CheckoutCompletedV1,
    backfillDays.map((day) => ({
      key: b.companyId,
      value: aCheckout({
        companyId: b.companyId,
        completedAt: `${day}T12:00:00+01:00`,
        lines: [{ unitPriceGross: 10000 }],
      }),
    })),
  );
  const tBackfill = await until(
    'backfill',
    () => {
      const st = lastStatus(Topics.DayStatusV1, dayKey);
      return backfillDays.filter(
        (day) => st.get(`${b.companyId} ${scenario.LOCATIONS[0]} ${day}`)?.status !== 'POSTED',
      ).length;
    },
    1_800_000,
  );
  const bCalls = await requestCounts([b.tripletex.companyId]);
  await system.sandbox.setControls({ latencyMs: 0, rateLimit: controls.rateLimit });
  const backfillSeconds = (tBackfill - b0) / 1000;
  const backfill = {
    days: BACKFILL_DAYS,
    seconds: round(backfillSeconds, 1),
    daysPerSecond: round(BACKFILL_DAYS / backfillSeconds, 2),
    tripletexCalls: bCalls.total,
    callsPerDay: round(bCalls.total / BACKFILL_DAYS, 2),
    ceilingDaysPerSecond: round(10 / (bCalls.total / BACKFILL_DAYS), 2),
  };
  log(JSON.stringify(backfill));

  result = {
    at: new Date().toISOString(),
    machine: machine(),
    instancesPerService: INSTANCES,
    kafka,
    throughput,
    latency,
    backfill,
    peakMemoryMb: peakMemory(),
  };
} finally {
  await system.stop();
}

writeResults('e2e', result, e2eMarkdown(result));
