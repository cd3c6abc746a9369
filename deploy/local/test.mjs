#!/usr/bin/env node
// `npm test`, the README's second command, on any machine: installs what is missing, and – unless
// KAFKA_BROKERS and DATABASE_URL are set – provisions the tests' own infrastructure with
// deploy/local/infra.sh: a Kafka broker on 127.0.0.1:19092, emptied at every start (never the
// broker of `npm run up` on 9092, so both can run side by side and no earlier run's records are
// left), and PostgreSQL's pos_tripletex_test database. Then it runs the suites and stops that
// broker again.
//   npm test                          unit, integration, end-to-end and fault suites
//   npm test -- --suite integration   one of: unit, integration, e2e, faults
//   npm test -- --docker              Kafka and PostgreSQL through testcontainers instead
//   npm test -- --keep-infra          leave the test broker running afterwards
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './deps.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'all';

const say = (message) => console.log(`[test] ${message}`);

const SUITES = {
  unit: [['run-many', '-t', 'test', '--outputStyle=stream']],
  integration: [['run-many', '-t', 'integration', '--outputStyle=stream']],
  e2e: [['run-many', '-t', 'e2e', 'faults', '-p', 'e2e', '--parallel=1', '--outputStyle=stream']],
  faults: [['run', 'e2e:faults', '--outputStyle=stream']],
  all: [
    ['run-many', '-t', 'test', 'integration', '--outputStyle=stream'],
    ['run-many', '-t', 'e2e', 'faults', '-p', 'e2e', '--parallel=1', '--outputStyle=stream'],
  ],
};
if (!SUITES[suite]) {
  console.error(`unknown suite "${suite}"; one of ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

ensureDependencies(say);

const infra = (command) =>
  spawnSync('bash', [`${root}deploy/local/infra.sh`, command], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

let provisioned = false;
const needsInfra = suite !== 'unit';
if (needsInfra && (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL)) {
  if (flag('--docker')) {
    say('Kafka and PostgreSQL through testcontainers (--docker)');
  } else {
    say('provisioning the tests’ own Kafka (127.0.0.1:19092, emptied) and PostgreSQL database');
    const up = infra('test-up');
    if (up.status !== 0) process.exit(up.status ?? 1);
    provisioned = true;
    for (const line of infra('test-env').stdout.split('\n')) {
      const match = /^export (\w+)=(.*)$/.exec(line.trim());
      if (match) process.env[match[1]] = match[2];
    }
  }
} else if (needsInfra) {
  say(`using KAFKA_BROKERS=${process.env.KAFKA_BROKERS} and the given DATABASE_URL`);
}

let status = 0;
try {
  for (const step of SUITES[suite]) {
    const result = spawnSync('npx', ['nx', ...step], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      status = result.status ?? 1;
      break;
    }
  }
} finally {
  if (provisioned && !flag('--keep-infra')) infra('test-down');
}
process.exit(status);
