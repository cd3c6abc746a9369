#!/usr/bin/env node
// Benchmark: customer-sync's initial sync of 100,000 Tripletex (sandbox) customers.
//   npm run bench:customer-sync   (needs `npm run infra -- up`; builds first)
// Measures the time from the integration becoming ACTIVE to the sync being DONE, the time until
// every customers.changed.v1 event is on Kafka, the Tripletex calls made, and customer-sync's peak
// memory (VmHWM). Writes deploy/bench/results/customer-sync.{json,md}.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort, KAFKA_SASL, KAFKA_SECURITY_ENV, sleep, start } from './bench-kit.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { Client } = require('pg');
const { SecretBindings, SecretBox } = require(`${root}libs/platform/dist/index.js`);
const { createDataSource } = require(`${root}services/customer-sync/dist/database/setup.js`);

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex_test';
const CONSUMER = 'bench-consumer-token';

function peakMemoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const schema = `bench_customer_sync_${randomBytes(3).toString('hex')}`;
const admin = new Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA "${schema}"`);

const sandboxPort = await freePort();
const sandbox = await start(
  `${root}services/tripletex-sandbox/dist/main.js`,
  { LOG_LEVEL: 'warn', SANDBOX_SEED_DEMO: 'false', SANDBOX_CONSUMER_TOKENS: CONSUMER },
  sandboxPort,
);
let service;
try {
  const op = async (method, path, body) =>
    (
      await fetch(`${sandbox.url}/_sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      })
    ).json();
  const company = await op('POST', 'companies', { name: 'Benchmark AS' });
  let t = Date.now();
  await op('POST', `companies/${company.companyId}/customers/generate`, { count: CUSTOMERS });
  console.log(`sandbox seeded with ${CUSTOMERS} customers in ${Date.now() - t} ms`);

  const keys = `bench:${randomBytes(32).toString('base64')}`;
  const port = await freePort();
  const env = {
    LOG_LEVEL: 'warn',
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS,
    ...KAFKA_SECURITY_ENV,
    KAFKA_GROUP_ID: `bench-${randomUUID()}`,
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: keys,
    ENCRYPTION_ACTIVE_KEY_ID: 'bench',
    TRIPLETEX_BASE_URL: `${sandbox.url}/v2`,
    TRIPLETEX_CONSUMER_TOKEN: CONSUMER,
    WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SYNC_PAGE_SIZE: '1000',
    SYNC_POLL_SECONDS: '1',
    WEBHOOK_SETTLE_MS: '0',
    OUTBOX_POLL_INTERVAL_MS: '100',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  service = await start(`${root}services/customer-sync/dist/main.js`, env, port);

  const companyId = `bench-${randomBytes(4).toString('hex')}`;
  const box = SecretBox.fromConfig(keys, 'bench');
  const kafka = new Kafka({
    brokers: KAFKA_BROKERS.split(','),
    sasl: KAFKA_SASL,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const before = (await op('GET', `requests?companyId=${company.companyId}`)).requests.length;
  t = Date.now();
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
        }),
      },
    ],
  });
  await producer.disconnect();

  const db = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await db.connect();
  let syncMs;
  let peakSampleMb = 0;
  for (;;) {
    peakSampleMb = Math.max(peakSampleMb, peakMemoryMb(service.child.pid));
    const { rows } = await db.query(
      'SELECT full_sync_status, full_sync_customers FROM sync_states WHERE company_id = $1',
      [companyId],
    );
    if (rows[0]?.full_sync_status === 'DONE') {
      syncMs = Date.now() - t;
      break;
    }
    if (Date.now() - t > 30 * 60_000) throw new Error('sync did not finish in 30 minutes');
    await sleep(250);
  }
  for (;;) {
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE sent_at IS NULL',
    );
    if (rows[0].n === 0) break;
    await sleep(250);
  }
  const publishedMs = Date.now() - t;
  const {
    rows: [{ n: stored }],
  } = await db.query(
    'SELECT count(*)::int AS n FROM customers WHERE company_id = $1 AND deleted_at IS NULL',
    [companyId],
  );
  const {
    rows: [{ n: events }],
  } = await db.query('SELECT count(*)::int AS n FROM outbox_messages');
  const requests = (await op('GET', `requests?companyId=${company.companyId}`)).requests.slice(
    before,
  );
  const peakMb = Math.max(peakSampleMb, peakMemoryMb(service.child.pid));
  await db.end();

  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    customers: CUSTOMERS,
    pageSize: 1000,
    syncSeconds: +(syncMs / 1000).toFixed(1),
    customersPerSecond: Math.round(CUSTOMERS / (syncMs / 1000)),
    allEventsOnKafkaSeconds: +(publishedMs / 1000).toFixed(1),
    stored,
    eventsPublished: events,
    tripletexCalls: requests.length,
    tripletexCallsByOperation: requests.reduce(
      (m, r) => ({ ...m, [r.operationId]: (m[r.operationId] ?? 0) + 1 }),
      {},
    ),
    peakMemoryMb: peakMb,
  };
  mkdirSync(`${root}deploy/bench/results`, { recursive: true });
  writeFileSync(
    `${root}deploy/bench/results/customer-sync.json`,
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const md = [
    '# customer-sync: initial sync benchmark',
    '',
    `Measured ${result.measuredAt} on ${result.machine.cpus} cores (${result.machine.model}), Node ${result.machine.node}; the sandbox, Kafka, PostgreSQL and the service share the machine.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| customers in Tripletex (sandbox) | ${CUSTOMERS} |`,
    `| initial sync, ACTIVE → DONE | ${result.syncSeconds} s (${result.customersPerSecond} customers/s) |`,
    `| until every customers.changed.v1 event is on Kafka | ${result.allEventsOnKafkaSeconds} s |`,
    `| customers stored / events published | ${stored} / ${events} |`,
    `| Tripletex calls | ${result.tripletexCalls} (${Object.entries(
      result.tripletexCallsByOperation,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}) |`,
    `| customer-sync peak memory (VmHWM) | ${peakMb} MB |`,
    '',
  ].join('\n');
  writeFileSync(`${root}deploy/bench/results/customer-sync.md`, md);
  console.log(md);
} finally {
  service?.child.kill('SIGTERM');
  sandbox.child.kill('SIGTERM');
  await sleep(1000);
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
