#!/usr/bin/env node
// Benchmark: sales-export ingest and backfill.
//   npm run bench:sales-export   (needs `npm run infra -- up`; builds first)
// 1. Ingest: BENCH_EVENTS (200,000) checkout events are on the topic before the service starts;
//    events/s from service ready to the last sale stored, beside two ceilings measured on the same
//    topic in the same run: Kafka's own ConsumerPerformance (kafka-tools) and a kafkajs consumer
//    that does nothing with the records.
// 2. Backfill: BENCH_DAYS (365) days of history, exported once the company is activated, against
//    the sandbox with latency and a rate limit; days/s, time, Tripletex calls per exported day.
// 3. Z-report → day POSTED: BENCH_Z_REPORTS (100) location-days of an active company, each with its
//    sales in, closed by the POS's Z-report at BENCH_Z_RATE (5) per second; latency from the
//    Z-report's publication to the day seen POSTED (polled every 20 ms), p50/p99/max.
// Run it on a development broker: afterwards it deletes the records of pos.checkout.completed.v1
// (a fresh consumer group, e.g. of the next test run, would otherwise replay 200,000 of them);
// BENCH_KEEP_RECORDS=1 keeps them.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  CONSUMER,
  cpuPerThousand,
  cpuSeconds,
  DATABASE_URL,
  freshSchema,
  KAFKA_BROKERS,
  KAFKA_SASL,
  KAFKA_SECURITY_ENV,
  KAFKA_TOOL_PROPERTIES,
  machine,
  peakMemoryMb,
  percentile,
  require,
  root,
  sleep,
  start,
  startSandbox,
  writeResults,
  accountIds,
} from './bench-kit.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const PER_DAY = Number(process.env.BENCH_CHECKOUTS_PER_DAY ?? 5);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 10); // requests per second per token
const CHUNK = Number(process.env.BENCH_CHUNK_SIZE ?? 500); // the service's INGEST_CHUNK_SIZE
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 2); // its INGEST_CONCURRENCY
const Z_REPORTS = Number(process.env.BENCH_Z_REPORTS ?? 100); // location-days closed by Z-report
const Z_RATE = Number(process.env.BENCH_Z_RATE ?? 5); // Z-reports per second (below the rate limit)
const INGEST_ORDER = process.env.BENCH_INGEST_ORDER ?? 'pos'; // pos | scattered (see the ingest)
if (!['pos', 'scattered'].includes(INGEST_ORDER))
  throw new Error('BENCH_INGEST_ORDER: pos | scattered');
const TOPIC = 'pos.checkout.completed.v1';
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { SecretBindings, SecretBox, osloToday, addDays, businessDayOf } = require(
  `${root}libs/platform/dist/index.js`,
);
const { createDataSource } = require(`${root}services/sales-export/dist/database/setup.js`);

const kafka = new Kafka({
  brokers: KAFKA_BROKERS.split(','),
  sasl: KAFKA_SASL,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const today = osloToday();
const keys = `bench:${randomBytes(32).toString('base64')}`;
const box = SecretBox.fromConfig(keys, 'bench');

function checkout(companyId, locationId, day, i) {
  const a = 5000 + (i % 97) * 100;
  const b = 3000 + (i % 13) * 50;
  const cash = i % 4 === 0;
  const rounding = cash ? (i % 3) - 1 : 0;
  const tip = i % 5 === 0 ? 1000 : 0;
  const amount = a + 2 * b + tip + rounding;
  const minute = String(i % 60).padStart(2, '0');
  return JSON.stringify({
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId,
    locationId,
    registerId: 'kasse-1',
    receiptNumber: String(100000 + i),
    kind: 'SALE',
    completedAt: `${day}T${String(10 + (i % 12)).padStart(2, '0')}:${minute}:00+01:00`,
    currency: 'NOK',
    lines: [
      {
        lineId: '1',
        articleId: 'a1',
        description: 'Dagens',
        productGroupId: 'food',
        quantity: 1,
        unitPriceGross: a,
        discountGross: 0,
        totalGross: a,
        vatRate: 25,
        takeaway: false,
      },
      {
        lineId: '2',
        articleId: 'a2',
        description: 'Kaffe',
        productGroupId: 'drinks',
        quantity: 2,
        unitPriceGross: b,
        discountGross: 0,
        totalGross: 2 * b,
        vatRate: 15,
        takeaway: true,
      },
    ],
    payments: [{ paymentMethodId: cash ? 'cash' : 'card', method: cash ? 'CASH' : 'CARD', amount }],
    tip,
    rounding,
  });
}

async function publishConfig(companyId, company, ids, status, version) {
  const acc = (n) => ({ accountId: ids[n], accountNumber: n });
  await producer.send({
    topic: 'integration.config.v1',
    acks: -1,
    messages: [
      {
        key: companyId,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          companyId,
          version,
          status,
          changedAt: new Date().toISOString(),
          startDate: addDays(today, -DAYS - 1),
          dayCutoffHour: 4,
          tripletex: {
            companyId: company.companyId,
            employeeToken: box.seal(
              company.employeeToken,
              SecretBindings.tripletexToken(companyId),
            ),
          },
          mappings: {
            paymentMethods: [
              { paymentMethodId: 'cash', ...acc(1900) },
              { paymentMethodId: 'card', ...acc(1579) },
            ],
            productGroups: [
              { productGroupId: 'food', takeaway: false, vatRate: 25, ...acc(3000) },
              { productGroupId: 'drinks', takeaway: true, vatRate: 15, ...acc(3001) },
            ],
            otherEvents: [
              { event: 'TIPS', ...acc(2910) },
              { event: 'ROUNDING', ...acc(7740) },
            ],
          },
          invoicing: {
            enabled: false,
            sendToCustomer: false,
            collective: { enabled: false, cadence: 'MONTHLY' },
          },
          salesExport: { sendToLedger: true, graceMinutes: 30 },
        }),
      },
    ],
  });
}

async function produceAll(messages) {
  const started = Date.now();
  // 500 records (~0.5 MB) per request: the broker refuses requests above message.max.bytes (1 MB).
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic: TOPIC, acks: -1, messages: messages.slice(i, i + 500) });
  }
  return (Date.now() - started) / 1000;
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function topicRecords() {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return offsets.reduce((s, o) => s + Number(o.high) - Number(o.low), 0);
}

/** Kafka's own ConsumerPerformance reading `records` records of the topic from the start. */
function kafkaConsumerCeiling(records) {
  const libs = `${root}.cache/kafka/libs`;
  if (!existsSync(libs)) return null;
  // Its defaults (fetch.max.wait.ms 500, 500 records a poll) wait on partitions with nothing new;
  // these match what our consumer gets (4 MB per partition, answers as soon as data is there).
  const config = `${root}.cache/kafka/perf-consumer.properties`;
  const auth = existsSync(KAFKA_TOOL_PROPERTIES) ? readFileSync(KAFKA_TOOL_PROPERTIES, 'utf8') : '';
  writeFileSync(config, `max.poll.records=5000\nfetch.max.wait.ms=100\n${auth}`);
  const out = execFileSync(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j.configuration=file:${root}.cache/kafka/tools-log4j.properties`,
      '-cp',
      `${libs}/*`,
      'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server',
      KAFKA_BROKERS,
      '--topic',
      TOPIC,
      '--messages',
      String(records),
      '--group',
      `perf-${randomUUID()}`,
      '--timeout',
      '120000',
      '--fetch-size',
      String(4 * 1024 * 1024),
      '--consumer.config',
      config,
    ],
    { encoding: 'utf8' },
  );
  const lines = out.trim().split('\n');
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const names = lines[header].split(',').map((s) => s.trim());
  const values = lines[header + 1].split(',').map((s) => s.trim());
  const row = Object.fromEntries(names.map((n, i) => [n, values[i]]));
  return {
    records: Number(row['data.consumed.in.nMsg']),
    mbPerSecond: Number(row['MB.sec']),
    recordsPerSecond: Number(row['nMsg.sec']),
    fetchRecordsPerSecond: Number(row['fetch.nMsg.sec']),
  };
}

/** A kafkajs consumer that reads `records` records with eachBatch and does nothing with them. */
async function kafkajsCeiling(records) {
  const consumer = kafka.consumer({
    groupId: `bench-noop-${randomUUID()}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  let first;
  let last;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      first ??= Date.now();
      seen += batch.messages.length;
      last = Date.now();
    },
  });
  await until('the kafkajs consumer', () => seen >= records, 300_000);
  await consumer.disconnect();
  return { records: seen, recordsPerSecond: Math.round(seen / ((last - first) / 1000)) };
}

const sandbox = await startSandbox();
let service;
let store;
await admin.connect();
await producer.connect();
// A fresh broker has none of the topics yet (auto-creation is off, and the service creates its
// own only at start-up, after the records are produced here): created as the service would.
{
  const existing = new Set(await admin.listTopics());
  const wanted = [
    [TOPIC, 'delete'],
    ['integration.config.v1', 'compact'],
  ].filter(([topic]) => !existing.has(topic));
  if (wanted.length > 0)
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map(([topic, policy]) => ({
        topic,
        numPartitions: 6,
        replicationFactor: 1,
        configEntries: policy === 'compact' ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
}
// What earlier runs of other benchmarks left on the checkout topic would be ingested too (the
// service's new group reads it from the start): gone first, as this run's records are at its end.
{
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  await admin.deleteTopicRecords({
    topic: TOPIC,
    partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
  });
}
try {
  // The ingest is spread over 8 companies (so over the topic's partitions, as in a deployment);
  // they need no settings to be stored.
  const companyA = `bench-a-${randomBytes(3).toString('hex')}`;
  const ingestCompanies = Array.from({ length: 8 }, (_, i) => `${companyA}-${i}`);
  const companyB = `bench-b-${randomBytes(3).toString('hex')}`;
  const tripletexB = await sandbox.op('POST', 'companies', { name: 'Backfill Benchmark AS' });
  const idsB = await accountIds(sandbox, tripletexB, [1900, 1579, 2910, 3000, 3001, 7740]);
  // Inactive while the sales come in: the ingest is measured on its own.
  await publishConfig(companyB, tripletexB, idsB, 'INACTIVE', 1);

  const locations = ['oslo', 'bergen', 'trondheim', 'stavanger'];
  const ingestDays = 50;
  // A company's k-th checkout. As POS send them (INGEST_ORDER=pos, the default): each location's
  // checkouts in time order, day after day, the company's 4 locations selling at once – a backlog
  // after an outage, replayed. INGEST_ORDER=scattered is the worst case for the days table: every
  // checkout of a company on another location-day than the one before (0.86 day upserts per sale).
  const perLocationDay = Math.ceil(EVENTS / 8 / locations.length / ingestDays);
  const dayOf = (k) =>
    INGEST_ORDER === 'scattered'
      ? addDays(today, -2 - (Math.floor(k / 4) % ingestDays))
      : addDays(today, -2 - ingestDays + 1 + Math.floor(k / locations.length / perLocationDay));
  const messages = Array.from({ length: EVENTS }, (_, i) => {
    const companyId = ingestCompanies[i % 8];
    const k = Math.floor(i / 8);
    return { key: companyId, value: checkout(companyId, locations[k % 4], dayOf(k), i) };
  });
  const produceSeconds = await produceAll(messages);
  const backfillMessages = [];
  for (let d = 0; d < DAYS; d++) {
    for (let j = 0; j < PER_DAY; j++)
      backfillMessages.push({
        key: companyB,
        value: checkout(companyB, 'oslo', addDays(today, -DAYS - 1 + d), d * PER_DAY + j),
      });
  }
  await produceAll(backfillMessages);
  const records = await topicRecords();

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
    OUTBOX_POLL_INTERVAL_MS: '100',
    EXPORT_POLL_MS: '200',
    INGEST_CHUNK_SIZE: String(CHUNK),
    INGEST_CONCURRENCY: String(CONCURRENCY),
  };
  store = await freshSchema('bench_sales_export', createDataSource, env);
  const serviceStarted = Date.now();
  service = await start(`${root}services/sales-export/dist/main.js`, {
    ...env,
    DATABASE_URL,
    DATABASE_SCHEMA: store.schema,
  });
  const ready = Date.now();
  const cpuAtReady = cpuSeconds(service.child.pid);
  const count = async (prefix) =>
    Number(
      (
        await store.db.query('SELECT count(*) AS n FROM sales WHERE company_id LIKE $1', [
          `${prefix}%`,
        ])
      ).rows[0].n,
    );
  // Watched through the days' counts of new sales (a few hundred rows), so that the watching does
  // not cost PostgreSQL a scan of the growing sales table five times a second; then confirmed.
  const counted = async (prefix) =>
    Number(
      (
        await store.db.query(
          'SELECT coalesce(sum(checkouts), 0) AS n FROM days WHERE company_id LIKE $1',
          [`${prefix}%`],
        )
      ).rows[0].n,
    );
  const ingested = await until(
    'the ingest',
    async () => ((await counted(companyA)) >= EVENTS ? Date.now() : 0),
    900_000,
  );
  if ((await count(companyA)) < EVENTS) throw new Error('the days count sales that are not stored');
  await until(
    'the backfill history',
    async () => (await count(companyB)) >= DAYS * PER_DAY,
    300_000,
  );
  // Every record stored as a sale (the sales table is the consumer's record of what it applied).
  const consumed = (await count(companyA)) + (await count(companyB));
  const ingestSeconds = (ingested - ready) / 1000;
  const ingestCpu = cpuPerThousand(cpuAtReady, cpuSeconds(service.child.pid), consumed);
  const ingestMemoryMb = peakMemoryMb(service.child.pid);

  const kafkaCeiling = kafkaConsumerCeiling(records);
  const kafkajs = await kafkajsCeiling(records);

  // Backfill: every day closed (they are in the past), then the company is activated.
  await until(
    'the days to close',
    async () =>
      Number(
        (
          await store.db.query(
            `SELECT count(*) AS n FROM days WHERE company_id = $1 AND status = 'CLOSED'`,
            [companyB],
          )
        ).rows[0].n,
      ) >= DAYS,
    120_000,
  );
  await sandbox.op('PUT', 'controls', {
    latencyMs: LATENCY_MS,
    rateLimit: { limit: RATE_LIMIT, windowSeconds: 1, omitResetHeaderRatio: 0.2 },
  });
  const before = (await sandbox.op('GET', `requests?companyId=${tripletexB.companyId}`)).requests
    .length;
  const backfillStarted = Date.now();
  const cpuAtBackfill = cpuSeconds(service.child.pid);
  await publishConfig(companyB, tripletexB, idsB, 'ACTIVE', 2);
  const posted = async () =>
    Number(
      (
        await store.db.query(
          `SELECT count(*) AS n FROM days WHERE company_id = $1 AND status = 'POSTED'`,
          [companyB],
        )
      ).rows[0].n,
    );
  await until('the backfill', async () => (await posted()) >= DAYS, 3_600_000);
  const backfillSeconds = (Date.now() - backfillStarted) / 1000;
  const backfillCpu = cpuPerThousand(cpuAtBackfill, cpuSeconds(service.child.pid), DAYS);
  const requests = (
    await sandbox.op('GET', `requests?companyId=${tripletexB.companyId}`)
  ).requests.slice(before);
  const ledger = await sandbox.op('GET', `companies/${tripletexB.companyId}/ledger`);
  const calls = requests.length;
  const refused429 = requests.filter((r) => r.status === 429).length;

  // 3. Z-report → day POSTED, one Z-report at a time at a steady rate, for an active company.
  const companyC = `bench-c-${randomBytes(3).toString('hex')}`;
  const tripletexC = await sandbox.op('POST', 'companies', { name: 'Z-report Benchmark AS' });
  const idsC = await accountIds(sandbox, tripletexC, [1900, 1579, 2910, 3000, 3001, 7740]);
  await publishConfig(companyC, tripletexC, idsC, 'ACTIVE', 1);
  // A minute ago is on the business day now (cut-off 04:00), a day that stays open until its
  // Z-report (its cut-off and grace are still ahead).
  const saleAt = new Date(Date.now() - 60_000).toISOString();
  const zDay = businessDayOf(saleAt, 4);
  const zLocations = Array.from({ length: Z_REPORTS }, (_, i) => `z${i}`);
  await produceAll(
    zLocations.flatMap((location, i) =>
      [0, 1].map((j) => ({
        key: companyC,
        value: JSON.stringify({
          ...JSON.parse(checkout(companyC, location, zDay, i * 2 + j)),
          completedAt: saleAt,
        }),
      })),
    ),
  );
  await until(
    'the Z-report days to be open with their sales',
    async () =>
      Number(
        (
          await store.db.query(
            `SELECT count(*) AS n FROM days WHERE company_id = $1 AND status = 'OPEN' AND checkouts = 2`,
            [companyC],
          )
        ).rows[0].n,
      ) >= Z_REPORTS,
    120_000,
  );
  const zSent = new Map();
  const zPosted = new Map();
  let zSending = true;
  const watchPosted = (async () => {
    while (zSending || zPosted.size < Z_REPORTS) {
      const { rows } = await store.db.query(
        `SELECT location_id FROM days WHERE company_id = $1 AND status = 'POSTED'`,
        [companyC],
      );
      const seen = Date.now();
      for (const row of rows) if (!zPosted.has(row.location_id)) zPosted.set(row.location_id, seen);
      await sleep(20);
    }
  })();
  for (const location of zLocations) {
    const started = Date.now();
    zSent.set(location, started);
    await producer.send({
      topic: 'pos.day.closed.v1',
      acks: -1,
      messages: [
        {
          key: companyC,
          value: JSON.stringify({
            eventId: randomUUID(),
            schemaVersion: 1,
            companyId: companyC,
            locationId: location,
            businessDay: zDay,
            closedAt: new Date().toISOString(),
            checkoutCount: 2,
          }),
        },
      ],
    });
    await sleep(Math.max(0, 1000 / Z_RATE - (Date.now() - started)));
  }
  zSending = false;
  await Promise.race([
    watchPosted,
    sleep(120_000).then(() => {
      throw new Error(`only ${zPosted.size} of ${Z_REPORTS} Z-report days POSTED`);
    }),
  ]);
  const zLatencies = zLocations.map((l) => zPosted.get(l) - zSent.get(l)).sort((a, b) => a - b);
  const zCalls = (await sandbox.op('GET', `requests?companyId=${tripletexC.companyId}`)).requests
    .length;
  const zCallsPerVoucher = +(zCalls / Z_REPORTS).toFixed(2);
  const zCeilingMs = Math.round(2 * LATENCY_MS * zCallsPerVoucher + 200);
  const peakMb = peakMemoryMb(service.child.pid);

  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    ingest: {
      events: EVENTS,
      recordsOnTopic: records,
      recordsConsumed: consumed,
      produceSeconds: +produceSeconds.toFixed(1),
      serviceStartSeconds: +((ready - serviceStarted) / 1000).toFixed(1),
      seconds: +ingestSeconds.toFixed(1),
      eventsPerSecond: Math.round(consumed / ingestSeconds),
      chunkSize: CHUNK,
      concurrency: CONCURRENCY,
      order: INGEST_ORDER,
      targetEventsPerSecond: 20_000,
      ratioToTarget: +(consumed / ingestSeconds / 20_000).toFixed(2),
      cpuSecondsPer1000Events: ingestCpu,
      kafkaConsumerPerformance: kafkaCeiling,
      kafkajsNoopConsumer: kafkajs,
      peakMemoryMb: ingestMemoryMb,
    },
    backfill: {
      days: DAYS,
      checkoutsPerDay: PER_DAY,
      sandbox: { latencyMs: LATENCY_MS, rateLimitPerSecond: RATE_LIMIT },
      seconds: +backfillSeconds.toFixed(1),
      daysPerSecond: +(DAYS / backfillSeconds).toFixed(2),
      ceilingDaysPerSecond: +(RATE_LIMIT / (calls / DAYS)).toFixed(2),
      ratioToCeiling: +(DAYS / backfillSeconds / (RATE_LIMIT / (calls / DAYS))).toFixed(2),
      targetRatio: 0.9,
      vouchers: ledger.vouchers.length,
      tripletexCalls: calls,
      refused429,
      tripletexCallsPerDay: +(calls / DAYS).toFixed(2),
      cpuSecondsPer1000Days: backfillCpu,
      tripletexCallsByOperation: requests.reduce(
        (m, r) => ({ ...m, [r.operationId ?? r.path]: (m[r.operationId ?? r.path] ?? 0) + 1 }),
        {},
      ),
    },
    zReport: {
      locationDays: Z_REPORTS,
      perSecond: Z_RATE,
      latencyMs: {
        p50: percentile(zLatencies, 50),
        p99: percentile(zLatencies, 99),
        max: zLatencies[zLatencies.length - 1],
      },
      tripletexCallsPerVoucher: zCallsPerVoucher,
      targetP99Ms: zCeilingMs,
      p99RatioToTarget: +(percentile(zLatencies, 99) / zCeilingMs).toFixed(2),
    },
    peakMemoryMb: peakMb,
  };
  const i = result.ingest;
  const b = result.backfill;
  writeResults(
    'sales-export',
    result,
    [
      '# sales-export: ingest and backfill benchmark',
      '',
      `Measured ${result.measuredAt} on ${result.machine.cpus} cores (${result.machine.model}), Node ${result.machine.node}; Kafka, PostgreSQL, the sandbox and the service share the machine.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| checkout events ingested (on the topic before the service started; ${i.recordsConsumed} consumed in all, ${i.recordsOnTopic} on the topic) | ${EVENTS} in ${i.seconds} s |`,
      `| **ingest throughput** (stored as sales and days, idempotent, chunks of ${CHUNK} per transaction, ${i.concurrency} partitions at once) | **${i.eventsPerSecond} events/s** (target 20,000: ratio ${i.ratioToTarget}) |`,
      `| CPU seconds per 1,000 events: service / PostgreSQL / Kafka broker | ${i.cpuSecondsPer1000Events.service} / ${i.cpuSecondsPer1000Events.postgres} / ${i.cpuSecondsPer1000Events.kafka} |`,
      `| ceiling: Kafka's ConsumerPerformance (kafka-tools), same topic, same run | ${i.kafkaConsumerPerformance ? `${Math.round(i.kafkaConsumerPerformance.fetchRecordsPerSecond)} records/s fetching (${Math.round(i.kafkaConsumerPerformance.recordsPerSecond)} records/s with its group join, ${i.kafkaConsumerPerformance.mbPerSecond} MB/s)` : 'n/a'} |`,
      `| ceiling: kafkajs consumer doing nothing, same topic | ${i.kafkajsNoopConsumer.recordsPerSecond} records/s |`,
      `| producing the events (kafkajs, acks=all, 500 per request) | ${i.produceSeconds} s |`,
      `| service peak memory after the ingest (VmHWM) | ${i.peakMemoryMb} MB |`,
      `| backfill: days exported (${PER_DAY} checkouts a day, one location) | ${b.days} days, ${b.vouchers} vouchers |`,
      `| Tripletex (sandbox): latency per call / rate limit | ${LATENCY_MS} ms / ${RATE_LIMIT} requests/s per token (20 % of 429s without X-Rate-Limit-Reset) |`,
      `| **backfill time** | **${b.seconds} s** (${b.daysPerSecond} days/s; ceiling ${RATE_LIMIT} calls/s ÷ ${b.tripletexCallsPerDay} calls per day = ${b.ceilingDaysPerSecond} days/s; ratio ${b.ratioToCeiling}, target ${b.targetRatio}) |`,
      `| Tripletex calls (429s among them) | ${b.tripletexCalls} (${b.refused429}): ${Object.entries(
        b.tripletexCallsByOperation,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
      `| **Tripletex calls per exported day** | **${b.tripletexCallsPerDay}** |`,
      `| CPU milliseconds per exported day: service / PostgreSQL / Kafka broker | ${b.cpuSecondsPer1000Days.service} / ${b.cpuSecondsPer1000Days.postgres} / ${b.cpuSecondsPer1000Days.kafka} |`,
      `| **Z-report → day POSTED** (${result.zReport.locationDays} location-days, ${result.zReport.perSecond} Z-reports/s, ${LATENCY_MS} ms per Tripletex call) p50 / p99 / max | **${result.zReport.latencyMs.p50} / ${result.zReport.latencyMs.p99} / ${result.zReport.latencyMs.max} ms** (target p99 ≤ 2 × ${LATENCY_MS} ms × ${result.zReport.tripletexCallsPerVoucher} calls per voucher + 200 ms = ${result.zReport.targetP99Ms} ms; ratio ${result.zReport.p99RatioToTarget}) |`,
      `| service peak memory overall (VmHWM) | ${peakMb} MB (target ≤ 268 MB, 256 MiB) |`,
      '',
    ].join('\n'),
  );
} finally {
  service?.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  if (!process.env.BENCH_KEEP_RECORDS) {
    const offsets = await admin.fetchTopicOffsets(TOPIC).catch(() => []);
    await admin
      .deleteTopicRecords({
        topic: TOPIC,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      })
      .catch((error) => console.error(`could not delete the benchmark's records: ${error}`));
  }
  await producer.disconnect().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  await sleep(1500);
  await store?.drop();
}
