#!/usr/bin/env node
// Benchmark of the Tripletex sandbox and of libs/tripletex's own overhead per call.
//   npm run bench:tripletex        (builds first; writes deploy/bench/results/tripletex.{json,md})
// 1. Sandbox throughput: authenticated GETs over keep-alive HTTP from C concurrent callers.
// 2. Client overhead: the same GET, sequentially, through TripletexClient vs. a bare keep-alive
//    request; the difference is what the client adds (auth, session cache, limits, retries
//    bookkeeping, error mapping, logging).
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const { TripletexClient } = require(`${root}libs/tripletex/dist/index.js`);

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SEQUENTIAL_CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONSUMER = 'bench-consumer-token';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startSandbox() {
  const port = await freePort();
  const child = spawn(process.execPath, [`${root}services/tripletex-sandbox/dist/main.js`], {
    env: {
      PATH: process.env.PATH,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      ADMIN_HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      SANDBOX_SEED_DEMO: 'false',
      SANDBOX_CONSUMER_TOKENS: CONSUMER,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return { url, child };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sandbox did not start');
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
function get(url, auth) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, headers: { authorization: auth, accept: 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const { url, child } = await startSandbox();
try {
  const company = await (
    await fetch(`${url}/_sandbox/companies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench AS', bankAccountNumber: '12345678903' }),
    })
  ).json();
  const session = (
    await (
      await fetch(
        `${url}/v2/token/session/:create?consumerToken=${CONSUMER}&employeeToken=${company.employeeToken}&expirationDate=2099-01-01`,
        { method: 'PUT' },
      )
    ).json()
  ).value.token;
  const auth = `Basic ${Buffer.from(`0:${session}`).toString('base64')}`;
  const target = `${url}/v2/ledger/vatType?number=3&typeOfVat=OUTGOING&fields=id,number,percentage`;

  // warm-up
  for (let i = 0; i < 300; i++) await get(target, auth);

  // 1. throughput
  let done = 0;
  let failed = 0;
  const deadline = Date.now() + DURATION_MS;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const status = await get(target, auth);
        if (status === 200) done++;
        else failed++;
      }
    }),
  );
  const throughput = (done / (Date.now() - started)) * 1000;

  // 2. overhead per call, sequential
  const bare = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const t = process.hrtime.bigint();
    await get(target, auth);
    bare.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const quiet = { log() {}, warn() {}, error() {} };
  const client = new TripletexClient({
    baseUrl: `${url}/v2`,
    consumerToken: CONSUMER,
    logger: quiet,
  });
  const tx = client.company({ key: 'bench', employeeToken: company.employeeToken });
  for (let i = 0; i < 300; i++)
    await tx.listVatTypes({ number: '3', typeOfVat: 'OUTGOING', fields: 'id,number,percentage' });
  const viaClient = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const t = process.hrtime.bigint();
    await tx.listVatTypes({ number: '3', typeOfVat: 'OUTGOING', fields: 'id,number,percentage' });
    viaClient.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  client.close();
  bare.sort((a, b) => a - b);
  viaClient.sort((a, b) => a - b);
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    sandbox: {
      operation: 'GET /ledger/vatType (authenticated, fields filter)',
      concurrency: CONCURRENCY,
      durationMs: DURATION_MS,
      requests: done,
      failed,
      requestsPerSecond: Math.round(throughput),
    },
    client: {
      calls: SEQUENTIAL_CALLS,
      bareMeanMs: +mean(bare).toFixed(3),
      bareP50Ms: +percentile(bare, 50).toFixed(3),
      bareP99Ms: +percentile(bare, 99).toFixed(3),
      clientMeanMs: +mean(viaClient).toFixed(3),
      clientP50Ms: +percentile(viaClient, 50).toFixed(3),
      clientP99Ms: +percentile(viaClient, 99).toFixed(3),
      overheadMeanMs: +(mean(viaClient) - mean(bare)).toFixed(3),
      overheadP50Ms: +(percentile(viaClient, 50) - percentile(bare, 50)).toFixed(3),
    },
  };
  mkdirSync(`${root}deploy/bench/results`, { recursive: true });
  writeFileSync(
    `${root}deploy/bench/results/tripletex.json`,
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const md = [
    '# Tripletex sandbox and client benchmark',
    '',
    `Measured ${result.measuredAt} on ${result.machine.cpus} cores (${result.machine.model}), Node ${result.machine.node}; sandbox and benchmark share the machine.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| sandbox throughput, ${CONCURRENCY} concurrent keep-alive callers | ${result.sandbox.requestsPerSecond} requests/s (${failed} failed) |`,
    `| bare keep-alive GET, sequential: mean / p50 / p99 | ${result.client.bareMeanMs} / ${result.client.bareP50Ms} / ${result.client.bareP99Ms} ms |`,
    `| same GET through TripletexClient: mean / p50 / p99 | ${result.client.clientMeanMs} / ${result.client.clientP50Ms} / ${result.client.clientP99Ms} ms |`,
    `| client overhead per call: mean / p50 | ${result.client.overheadMeanMs} / ${result.client.overheadP50Ms} ms |`,
    '',
  ].join('\n');
  writeFileSync(`${root}deploy/bench/results/tripletex.md`, md);
  console.log(md);
} finally {
  child.kill('SIGTERM');
}
