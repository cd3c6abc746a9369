#!/usr/bin/env node
// `npm test`, the README's second command, on any machine: installs what is missing, then finds
// Kafka and PostgreSQL for the suites:
//   1. KAFKA_BROKERS and DATABASE_URL set → those;
//   2. a Docker path that works (an engine answers and the images exist or can be pulled, or our
//      stand-ins are built; deploy/local/docker-path.mjs) → testcontainers, once per jest run;
//   3. otherwise the tests' own infrastructure from deploy/local/infra.sh: a Kafka broker on
//      127.0.0.1:19092, emptied at every start (never the broker of `npm run up` on 9092, so both
//      run side by side and no earlier run's records are left), and PostgreSQL's
//      pos_tripletex_test database; stopped again at the end.
// It says in one line which, and why. The fault suite restarts the broker with kafka.sh and
// PostgreSQL with pg_ctlcluster, so it always runs on the local path (3).
//   npm test                          unit, integration, end-to-end, security and fault suites
//   npm test -- --suite integration   one of: unit, integration, e2e, faults, security
//   npm test -- --docker | --local    force testcontainers / the local path
//   npm test -- --keep-infra          leave the test broker running afterwards
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './deps.mjs';
import { dockerPath, ryukOrDisabled } from './docker-path.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'all';

const say = (message) => console.log(`[test] ${message}`);

// Each step: nx arguments, and whether it needs the local path (the fault suite does).
const UNIT = { nx: ['run-many', '-t', 'test'] };
const INTEGRATION = { nx: ['run-many', '-t', 'integration'], infra: true };
const FLOW = { nx: ['run', 'e2e:e2e'], infra: true };
const FAULTS = { nx: ['run', 'e2e:faults'], infra: true, local: true };
// The doors of issue 17 against the running system; it needs the local SASL broker with ACLs.
const SECURITY = { nx: ['run', 'e2e:security'], infra: true, local: true };
const SUITES = {
  unit: [UNIT],
  integration: [INTEGRATION],
  e2e: [FLOW, SECURITY, FAULTS],
  faults: [FAULTS],
  security: [SECURITY],
  all: [{ nx: ['run-many', '-t', 'test', 'integration'], infra: true }, FLOW, SECURITY, FAULTS],
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

const given = Boolean(process.env.KAFKA_BROKERS && process.env.DATABASE_URL);
const steps = SUITES[suite];
let docker = { use: false };
if (given) {
  say(
    `Kafka and PostgreSQL: the given KAFKA_BROKERS=${process.env.KAFKA_BROKERS} and DATABASE_URL`,
  );
} else if (steps.some((step) => step.infra && !step.local)) {
  const mode = flag('--docker') ? 'docker' : flag('--local') ? 'local' : 'auto';
  docker = dockerPath(mode, ['kafka', 'postgres']);
  if (mode === 'docker' && !docker.use) {
    console.error(`[test] --docker cannot work here: ${docker.reason}`);
    process.exit(2);
  }
  if (docker.use) {
    say(`Kafka and PostgreSQL through testcontainers: ${docker.reason}`);
    process.env.TEST_KAFKA_IMAGE = docker.images.kafka;
    process.env.TEST_POSTGRES_IMAGE = docker.images.postgres;
    ryukOrDisabled(process.env, say);
  } else {
    say(`Kafka and PostgreSQL: the tests' own broker on 127.0.0.1:19092 (${docker.reason})`);
  }
}

let provisioned = false;
function provisionLocal() {
  if (provisioned || given) return;
  const up = infra('test-up');
  if (up.status !== 0) process.exit(up.status ?? 1);
  provisioned = true;
  for (const line of infra('test-env').stdout.split('\n')) {
    const match = /^export (\w+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = match[2];
  }
}

let status = 0;
try {
  for (const step of steps) {
    const env = { ...process.env };
    if (step.infra && (step.local || !docker.use)) {
      if (step.local && docker.use)
        say(
          'the fault suite restarts the broker and PostgreSQL processes: it runs on the local path',
        );
      provisionLocal();
      Object.assign(env, process.env);
    } else if (step.infra && docker.use) {
      delete env.KAFKA_BROKERS;
      delete env.DATABASE_URL;
    }
    const result = spawnSync('npx', ['nx', ...step.nx, '--outputStyle=stream'], {
      cwd: root,
      stdio: 'inherit',
      env,
    });
    if (result.status !== 0) {
      status = result.status ?? 1;
      break;
    }
  }
} finally {
  if (provisioned && !flag('--keep-infra')) infra('test-down');
}
process.exit(status);
