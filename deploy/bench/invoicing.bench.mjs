#!/usr/bin/env node
// Benchmark: 2,000 checkouts paid by invoice through invoicing to the Tripletex sandbox, with 50 ms
// latency on every Tripletex call and a rate limit.
//   npm run bench:invoicing   (needs `npm run infra -- up`; builds first)
// Throughput: all 2,000 at once – invoices/s against the ceiling measured in the same run (the rate
// limit ÷ the Tripletex calls an invoice took, 429s left out), Tripletex calls per invoice.
// Latency: then checkouts at a steady 10/s (no backlog), published → INVOICED status event p50/p99
// against 2 × the Tripletex latency + 100 ms. And the service's peak memory (VmHWM) over both.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  accountIds,
  CONSUMER,
  freshSchema,
  KAFKA_BROKERS,
  KAFKA_SASL,
  KAFKA_SECURITY_ENV,
  machine,
  peakMemoryMb,
  percentile,
  require,
  root,
  sleep,
  start,
  startSandbox,
  writeResults,
} from './bench-kit.mjs';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 40); // requests per second per token
const PER_COMPANY = Number(process.env.BENCH_PER_COMPANY ?? 4); // TRIPLETEX_MAX_CONCURRENT_PER_COMPANY
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 10); // checkouts/s in the latency phase
const STEADY_CHECKOUTS = Number(process.env.BENCH_STEADY_CHECKOUTS ?? 300);
const TARGETS = {
  throughputRatioToCeiling: 0.9,
  steadyLatencyP99Ms: 2 * LATENCY_MS + 100,
  peakMemoryMiB: 256,
};
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { SecretBindings, SecretBox } = require(`${root}libs/platform/dist/index.js`);
const { createDataSource } = require(`${root}services/invoicing/dist/database/setup.js`);

const sandbox = await startSandbox();
let service;
let store;
const kafka = new Kafka({
  brokers: KAFKA_BROKERS.split(','),
  sasl: KAFKA_SASL,
  logLevel: logLevel.NOTHING,
});
try {
  const company = await sandbox.op('POST', 'companies', {
    name: 'Faktura Benchmark AS',
    bankAccountNumber: '12345678903',
  });
  const { customers } = await sandbox.op('POST', `companies/${company.companyId}/customers`, {
    customers: Array.from({ length: 20 }, (_, i) => ({ name: `Bedrift ${i}` })),
  });
  const keys = `bench:${randomBytes(32).toString('base64')}`;
  const env = {
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS,
    ...KAFKA_SECURITY_ENV,
    KAFKA_GROUP_ID: `bench-${randomUUID()}`,
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: keys,
    ENCRYPTION_ACTIVE_KEY_ID: 'bench',
    TRIPLETEX_BASE_URL: `${sandbox.url}/v2`,
    TRIPLETEX_CONSUMER_TOKEN: CONSUMER,
    OUTBOX_POLL_INTERVAL_MS: '50',
    INVOICE_POLL_MS: '100',
    TRIPLETEX_MAX_CONCURRENT_PER_COMPANY: String(PER_COMPANY),
  };
  store = await freshSchema('bench_invoicing', createDataSource, env);
  // The dev broker keeps every earlier run's records (of every benchmark): the service's new group
  // starts at the end of the topics it reads, so it works on this run's records only – not on the
  // history of all runs before it (which made each run start later than the one before).
  const admin = kafka.admin();
  await admin.connect();
  for (const topic of [
    'pos.checkout.completed.v1',
    'integration.config.v1',
    'customers.changed.v1',
  ]) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => null);
    if (offsets)
      await admin.setOffsets({
        groupId: env.KAFKA_GROUP_ID,
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
  }
  await admin.disconnect();
  service = await start(`${root}services/invoicing/dist/main.js`, {
    ...env,
    DATABASE_URL:
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex_test',
    DATABASE_SCHEMA: store.schema,
  });

  // Resident memory once started, before any load (what the peak is made of beyond it is the load's).
  const startMb = Math.round(
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1]) /
      1024,
  );
  const companyId = `bench-${randomBytes(4).toString('hex')}`;
  // Invoice lines are booked on the product group's mapped account (a product per group and rate).
  const ids = await accountIds(sandbox, company, [3000]);
  const box = SecretBox.fromConfig(keys, 'bench');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic: 'integration.config.v1',
    messages: [
      {
        key: companyId,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          companyId,
          version: 1,
          status: 'ACTIVE',
          changedAt: new Date().toISOString(),
          tripletex: {
            companyId: company.companyId,
            employeeToken: box.seal(
              company.employeeToken,
              SecretBindings.tripletexToken(companyId),
            ),
          },
          mappings: {
            paymentMethods: [],
            productGroups: [
              {
                productGroupId: 'food',
                takeaway: false,
                vatRate: 25,
                accountId: ids[3000],
                accountNumber: 3000,
              },
            ],
            otherEvents: [],
          },
          invoicing: {
            enabled: true,
            sendToCustomer: false,
            collective: { enabled: false, cadence: 'MONTHLY' },
          },
        }),
      },
    ],
  });
  for (;;) {
    const { rows } = await store.db.query('SELECT 1 FROM company_settings WHERE company_id = $1', [
      companyId,
    ]);
    if (rows.length) break;
    await sleep(100);
  }
  await sandbox.op('PUT', 'controls', {
    latencyMs: LATENCY_MS,
    rateLimit: { limit: RATE_LIMIT, windowSeconds: 1, omitResetHeaderRatio: 0.2 },
  });

  const consumer = kafka.consumer({ groupId: `bench-status-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'invoicing.invoice-status.v1', fromBeginning: false });
  const sentAt = new Map();
  const latencies = [];
  const steadySentAt = new Map();
  const steadyLatencies = [];
  let failed = 0;
  const pendingPerSecond = new Map();
  let firstSent;
  let lastInvoiced;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value.toString());
      if (e.companyId !== companyId) return;
      if (e.status === 'INVOICED' && sentAt.has(e.checkoutEventId)) {
        latencies.push(Date.now() - sentAt.get(e.checkoutEventId));
        lastInvoiced = Date.now();
      }
      if (e.status === 'INVOICED' && steadySentAt.has(e.checkoutEventId))
        steadyLatencies.push(Date.now() - steadySentAt.get(e.checkoutEventId));
      if (e.status === 'FAILED') failed++;
      if (e.status === 'PENDING' && sentAt.has(e.checkoutEventId)) {
        const second = Math.floor((Date.now() - firstSent) / 1000);
        pendingPerSecond.set(second, (pendingPerSecond.get(second) ?? 0) + 1);
      }
    },
  });
  await sleep(3000); // let the status consumer join before anything is published
  const before = (await sandbox.op('GET', `requests?companyId=${company.companyId}`)).requests
    .length;
  /** The j-th checkout paid by invoice (receipt numbers unique over both phases). */
  const checkout = (j, eventId) => {
    const price = 10000 + (j % 50) * 100;
    return {
      key: companyId,
      value: JSON.stringify({
        eventId,
        schemaVersion: 1,
        companyId,
        locationId: 'oslo',
        receiptNumber: String(100000 + j),
        kind: 'SALE',
        completedAt: new Date().toISOString(),
        currency: 'NOK',
        lines: [
          {
            lineId: '1',
            articleId: 'lunsj',
            description: 'Lunsj',
            productGroupId: 'food',
            quantity: 2,
            unitPriceGross: price,
            discountGross: 0,
            totalGross: 2 * price,
            vatRate: 25,
            takeaway: false,
          },
        ],
        payments: [{ paymentMethodId: 'invoice', method: 'INVOICE', amount: 2 * price }],
        invoice: { customerId: customers[j % customers.length].id, reference: `PO-${j}` },
      }),
    };
  };
  firstSent = Date.now();
  for (let i = 0; i < CHECKOUTS; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(CHECKOUTS, i + 100); j++) {
      const eventId = randomUUID();
      batch.push(checkout(j, eventId));
      sentAt.set(eventId, Date.now());
    }
    await producer.send({ topic: 'pos.checkout.completed.v1', messages: batch });
  }
  const deadline = Date.now() + 20 * 60_000;
  while (latencies.length + failed < CHECKOUTS && Date.now() < deadline) await sleep(250);
  const requests = (
    await sandbox.op('GET', `requests?companyId=${company.companyId}`)
  ).requests.slice(before);
  if (process.env.BENCH_TIMELINE) {
    const perSecond = new Map();
    for (const r of requests) {
      const second = Math.floor((Date.parse(r.at) - firstSent) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    console.log('calls per second', JSON.stringify([...perSecond.entries()]));
    console.log('PENDING events per second', JSON.stringify([...pendingPerSecond.entries()]));
  }

  // Latency: a steady STEADY_RATE checkouts/s, each published on its own at its moment (no backlog).
  const steadyStart = Date.now();
  for (let k = 0; k < STEADY_CHECKOUTS; k++) {
    const due = steadyStart + (k * 1000) / STEADY_RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const eventId = randomUUID();
    steadySentAt.set(eventId, Date.now());
    await producer.send({
      topic: 'pos.checkout.completed.v1',
      messages: [checkout(CHECKOUTS + k, eventId)],
    });
  }
  const steadyDeadline = Date.now() + 120_000;
  while (steadyLatencies.length < STEADY_CHECKOUTS && Date.now() < steadyDeadline) await sleep(100);
  const peakMb = peakMemoryMb(service.child.pid);
  await consumer.disconnect();
  await producer.disconnect();

  latencies.sort((a, b) => a - b);
  steadyLatencies.sort((a, b) => a - b);
  const seconds = (lastInvoiced - firstSent) / 1000;
  const calls = requests.length;
  const refused429 = requests.filter((r) => r.status === 429).length;
  const invoicesPerSecond = latencies.length / seconds;
  // The ceiling: the rate limit ÷ the calls an invoice needed (a 429 is the client's own waste, so
  // it is left out: it would lower the ceiling).
  const callsNeededPerInvoice = (calls - refused429) / Math.max(1, latencies.length);
  const ceiling = RATE_LIMIT / callsNeededPerInvoice;
  const steadyP99 = percentile(steadyLatencies, 99);
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    checkouts: CHECKOUTS,
    sandbox: { latencyMs: LATENCY_MS, rateLimitPerSecond: RATE_LIMIT },
    maxConcurrentPerCompany: PER_COMPANY,
    invoiced: latencies.length,
    failed,
    seconds: +seconds.toFixed(1),
    invoicesPerSecond: +invoicesPerSecond.toFixed(1),
    ceilingInvoicesPerSecond: +ceiling.toFixed(1),
    throughputRatioToCeiling: +(invoicesPerSecond / ceiling).toFixed(3),
    targetThroughputRatioToCeiling: TARGETS.throughputRatioToCeiling,
    tripletexCallsPerSecond: +(calls / seconds).toFixed(1),
    /** Backlog: all checkouts published at once, so this is mostly waiting in line. */
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
    },
    steady: {
      checkoutsPerSecond: STEADY_RATE,
      checkouts: STEADY_CHECKOUTS,
      invoiced: steadyLatencies.length,
      latencyMs: {
        p50: percentile(steadyLatencies, 50),
        p99: steadyP99,
        max: steadyLatencies.at(-1),
      },
      targetP99Ms: TARGETS.steadyLatencyP99Ms,
      p99RatioToTarget: +(steadyP99 / TARGETS.steadyLatencyP99Ms).toFixed(3),
    },
    tripletexCalls: calls,
    refused429,
    tripletexCallsPerInvoice: +(calls / Math.max(1, latencies.length)).toFixed(2),
    tripletexCallsNeededPerInvoice: +callsNeededPerInvoice.toFixed(2),
    tripletexCallsByOperation: requests.reduce(
      (m, r) => ({ ...m, [r.operationId]: (m[r.operationId] ?? 0) + 1 }),
      {},
    ),
    peakMemoryMb: peakMb,
    startMemoryMb: startMb,
    peakMemoryRatioToTarget: +(peakMb / TARGETS.peakMemoryMiB).toFixed(3),
    targetPeakMemoryMiB: TARGETS.peakMemoryMiB,
  };
  result.targetsMet = {
    throughput: result.throughputRatioToCeiling >= TARGETS.throughputRatioToCeiling,
    steadyLatencyP99: steadyP99 <= TARGETS.steadyLatencyP99Ms,
    peakMemory: peakMb <= TARGETS.peakMemoryMiB,
  };
  writeResults(
    'invoicing',
    result,
    [
      '# invoicing: throughput benchmark',
      '',
      `Measured ${result.measuredAt} on ${result.machine.cpus} cores (${result.machine.model}), Node ${result.machine.node}; sandbox, Kafka, PostgreSQL and the service share the machine.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| checkouts paid by invoice (one company, 20 customers) | ${CHECKOUTS} |`,
      `| Tripletex (sandbox): latency per call / rate limit | ${LATENCY_MS} ms / ${RATE_LIMIT} requests/s per token (20 % of 429s without X-Rate-Limit-Reset) |`,
      `| invoiced / failed | ${latencies.length} / ${failed} |`,
      `| **throughput** (all published at once) | **${result.invoicesPerSecond} invoices/s** = ${result.throughputRatioToCeiling} × the ceiling of ${result.ceilingInvoicesPerSecond}/s (${RATE_LIMIT} calls/s ÷ ${result.tripletexCallsNeededPerInvoice} calls per invoice, 429s left out); target ≥ ${TARGETS.throughputRatioToCeiling} × ceiling; ${result.tripletexCallsPerSecond} calls/s, ${PER_COMPANY} calls in flight per company |`,
      `| checkout → INVOICED p50 / p99 / max with that backlog | ${result.latencyMs.p50} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms |`,
      `| **checkout → INVOICED p50 / p99 / max at a steady ${STEADY_RATE} checkouts/s** (${steadyLatencies.length} of ${STEADY_CHECKOUTS}) | ${result.steady.latencyMs.p50} / **${steadyP99}** / ${result.steady.latencyMs.max} ms; target p99 ≤ ${TARGETS.steadyLatencyP99Ms} ms (2 × ${LATENCY_MS} ms + 100 ms) |`,
      `| Tripletex calls in the throughput phase (429s among them) | ${calls} (${refused429}), ${result.tripletexCallsPerInvoice} per invoice: ${Object.entries(
        result.tripletexCallsByOperation,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
      `| **invoicing peak memory (VmHWM) over both phases** | **${peakMb} MiB**; target ≤ ${TARGETS.peakMemoryMiB} MiB (${startMb} MiB resident once started, before any load) |`,
      `| targets met | throughput ${result.targetsMet.throughput ? 'yes' : 'NO'}, steady p99 ${result.targetsMet.steadyLatencyP99 ? 'yes' : 'NO'}, memory ${result.targetsMet.peakMemory ? 'yes' : 'NO'} |`,
      '',
    ].join('\n'),
  );
} finally {
  service?.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await sleep(1000);
  await store?.drop();
}
