#!/usr/bin/env node
// Benchmark: 2,000 checkouts paid by invoice through invoicing to the Tripletex sandbox, with 50 ms
// latency on every Tripletex call and a rate limit.
//   npm run bench:invoicing   (needs `npm run infra -- up`; builds first)
// Measures invoices/s against the rate limit, checkout-to-invoice latency (published → INVOICED
// status event), Tripletex calls per invoice and the service's peak memory.
import { randomBytes, randomUUID } from 'node:crypto';
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
  service = await start(`${root}services/invoicing/dist/main.js`, {
    ...env,
    DATABASE_URL:
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex_test',
    DATABASE_SCHEMA: store.schema,
  });

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
  let failed = 0;
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
      if (e.status === 'FAILED') failed++;
    },
  });
  await sleep(3000); // let the status consumer join before anything is published
  const before = (await sandbox.op('GET', `requests?companyId=${company.companyId}`)).requests
    .length;
  firstSent = Date.now();
  for (let i = 0; i < CHECKOUTS; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(CHECKOUTS, i + 100); j++) {
      const eventId = randomUUID();
      const price = 10000 + (j % 50) * 100;
      batch.push({
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
      });
      sentAt.set(eventId, Date.now());
    }
    await producer.send({ topic: 'pos.checkout.completed.v1', messages: batch });
  }
  const deadline = Date.now() + 20 * 60_000;
  while (latencies.length + failed < CHECKOUTS && Date.now() < deadline) await sleep(250);
  const requests = (
    await sandbox.op('GET', `requests?companyId=${company.companyId}`)
  ).requests.slice(before);
  const peakMb = peakMemoryMb(service.child.pid);
  await consumer.disconnect();
  await producer.disconnect();

  latencies.sort((a, b) => a - b);
  const seconds = (lastInvoiced - firstSent) / 1000;
  const calls = requests.length;
  const refused429 = requests.filter((r) => r.status === 429).length;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    checkouts: CHECKOUTS,
    sandbox: { latencyMs: LATENCY_MS, rateLimitPerSecond: RATE_LIMIT },
    maxConcurrentPerCompany: PER_COMPANY,
    invoiced: latencies.length,
    failed,
    seconds: +seconds.toFixed(1),
    invoicesPerSecond: +(latencies.length / seconds).toFixed(1),
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
    },
    tripletexCalls: calls,
    refused429,
    tripletexCallsPerInvoice: +(calls / Math.max(1, latencies.length)).toFixed(2),
    tripletexCallsByOperation: requests.reduce(
      (m, r) => ({ ...m, [r.operationId]: (m[r.operationId] ?? 0) + 1 }),
      {},
    ),
    peakMemoryMb: peakMb,
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
      `| throughput | ${result.invoicesPerSecond} invoices/s with ${PER_COMPANY} calls in flight per company (ceiling: ${RATE_LIMIT} calls/s ÷ ${result.tripletexCallsPerInvoice} calls per invoice) |`,
      `| checkout → INVOICED latency p50 / p99 / max | ${result.latencyMs.p50} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms |`,
      `| Tripletex calls (429s among them) | ${calls} (${refused429}): ${Object.entries(
        result.tripletexCallsByOperation,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
      `| invoicing peak memory (VmHWM) | ${peakMb} MB |`,
      '',
    ].join('\n'),
  );
} finally {
  service?.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await sleep(1000);
  await store?.drop();
}
