// Shared pieces of the benchmark scripts: processes, ports, the sandbox, a schema, results.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  kafkaPrincipalEnv,
  localKafkaPasswords,
  SERVICE_NODE_OPTIONS,
} from '../local/services.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const require = createRequire(import.meta.url);
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

// The local broker authenticates (deploy/kafka/kafka.sh): benchmarks connect as its super user
// `admin`, unless the shell names other settings (e.g. a managed broker).
/** Properties for Kafka's own command-line tools (empty when the broker is open). */
export const KAFKA_TOOL_PROPERTIES = `${root}.cache/kafka/admin-client.properties`;
const localPasswords = localKafkaPasswords();
if (!process.env.KAFKA_SECURITY_PROTOCOL && localPasswords) {
  // Every principal's password (the e2e bench runs each service as its own principal), and the
  // super user as the benchmarks' own connection.
  for (const [name, password] of Object.entries(localPasswords)) process.env[name] ??= password;
  Object.assign(process.env, { ...kafkaPrincipalEnv('admin') });
}
/** The broker's security settings, for the services a benchmark starts. */
export const KAFKA_SECURITY_ENV = Object.fromEntries(
  ['KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']
    .filter((k) => process.env[k])
    .map((k) => [k, process.env[k]]),
);
/** kafkajs `sasl` options of the same settings (undefined for an open broker). */
export const KAFKA_SASL = process.env.KAFKA_SECURITY_PROTOCOL?.startsWith('SASL_')
  ? {
      mechanism: (process.env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512').toLowerCase(),
      username: process.env.KAFKA_SASL_USERNAME,
      password: process.env.KAFKA_SASL_PASSWORD,
    }
  : undefined;
export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex_test';
export const CONSUMER = 'bench-consumer-token';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts a built service and waits for /ready. */
export async function start(main, env, port) {
  port ??= await freePort();
  // BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it stops (profile before
  // optimising; `node deploy/bench/profile-summary.mjs <file>` lists the hot spots).
  const profiling = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profiling, main], {
    env: {
      PATH: process.env.PATH,
      // The services' own runtime settings, as deployed (BENCH_SERVICE_NODE_OPTIONS to try others).
      NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS ?? SERVICE_NODE_OPTIONS,
      ...env,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      // Benchmarks read no metrics: the admin listener takes any free port (never a default that a
      // local run may hold).
      ADMIN_HTTP_PORT: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return { child, url };
    } catch {}
    await sleep(100);
  }
  throw new Error(`${main} did not start`);
}

export async function startSandbox() {
  const sandbox = await start(`${root}services/tripletex-sandbox/dist/main.js`, {
    LOG_LEVEL: 'warn',
    SANDBOX_SEED_DEMO: 'false',
    SANDBOX_CONSUMER_TOKENS: CONSUMER,
    // The sandbox keeps every company in memory: not held to the services' heap bound.
    NODE_OPTIONS: '',
  });
  sandbox.op = async (method, path, body) =>
    (
      await fetch(`${sandbox.url}/_sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      })
    ).json();
  return sandbox;
}

/** A fresh schema in the test database, migrated with the service's own DataSource factory. */
export async function freshSchema(prefix, createDataSource, env) {
  const { Client } = require('pg');
  const schema = `${prefix}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const ds = createDataSource({ ...env, DATABASE_URL, DATABASE_SCHEMA: schema });
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  const db = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await db.connect();
  return {
    schema,
    db,
    async drop() {
      await db.end();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** Peak resident memory of a process (VmHWM), MB. */
export function peakMemoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

const CLOCK_TICKS = 100; // USER_HZ: /proc times are in 1/100 s on Linux

/** utime, stime, cutime, cstime of a process (clock ticks), from /proc/<pid>/stat. */
function processTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      t: fields.slice(11, 15).map(Number),
      ppid: Number(fields[1]),
    };
  } catch {
    return null; // gone meanwhile
  }
}

/**
 * CPU seconds used so far by the process `pid`, by PostgreSQL (every postgres process, and the
 * backends that have ended, through the postmaster's children times) and by the Kafka broker (the
 * java process running kafka.Kafka with the development broker's configuration – not the tests'
 * broker on 19092, which may run at the same time). Take one before and one after a phase and
 * subtract. PostgreSQL's share counts whatever else uses it meanwhile: measure on a quiet machine.
 */
const BROKER_CONFIG = `${process.env.KAFKA_CACHE_DIR ?? `${root}.cache/kafka`}/server.properties`;

export function cpuSeconds(pid) {
  const out = { service: 0, postgres: 0, kafka: 0 };
  const own = processTimes(pid);
  if (own) out.service = (own.t[0] + own.t[1]) / CLOCK_TICKS;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processTimes(entry);
    if (!p) continue;
    if (p.comm === 'postgres') {
      // Its own time; the postmaster (parent not postgres) also carries its ended children's.
      const parent = processTimes(p.ppid);
      const children = parent?.comm === 'postgres' ? 0 : p.t[2] + p.t[3];
      out.postgres += (p.t[0] + p.t[1] + children) / CLOCK_TICKS;
    } else if (p.comm === 'java') {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes('kafka.Kafka') && cmdline.includes(BROKER_CONFIG))
        out.kafka += (p.t[0] + p.t[1]) / CLOCK_TICKS;
    }
  }
  return out;
}

/** CPU seconds between two `cpuSeconds` readings, per 1,000 of `units`. */
export function cpuPerThousand(before, after, units) {
  const per = (k) => +(((after[k] - before[k]) / units) * 1000).toFixed(3);
  return { service: per('service'), postgres: per('postgres'), kafka: per('kafka') };
}

export function machine() {
  return { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
}

export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Writes deploy/bench/results/<name>.json and .md and prints the table. */
export function writeResults(name, result, markdown) {
  mkdirSync(`${root}deploy/bench/results`, { recursive: true });
  writeFileSync(`${root}deploy/bench/results/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${root}deploy/bench/results/${name}.md`, markdown);
  console.log(markdown);
}

/** Account number → id in a sandbox company's chart, read through the API as a client would. */
export async function accountIds(sandbox, company, numbers) {
  const expires = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const session = await (
    await fetch(
      `${sandbox.url}/v2/token/session/:create?consumerToken=${CONSUMER}&employeeToken=${company.employeeToken}&expirationDate=${expires}`,
      { method: 'PUT' },
    )
  ).json();
  const auth = `Basic ${Buffer.from(`0:${session.value.token}`).toString('base64')}`;
  const page = await (
    await fetch(`${sandbox.url}/v2/ledger/account?number=${numbers.join(',')}&fields=id,number`, {
      headers: { authorization: auth },
    })
  ).json();
  return Object.fromEntries(page.values.map((a) => [a.number, a.id]));
}
