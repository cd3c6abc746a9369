#!/usr/bin/env node
// The testcontainers path of libs/testing, really run (CI runs it after the compose smoke): the
// messaging integration suite and invoicing's flow suite with KAFKA_BROKERS and DATABASE_URL
// unset, so the jest global setup starts Kafka and PostgreSQL containers itself – the official
// images where present or pullable, else our stand-ins (deploy/docker/images.sh stand-ins),
// passed as TEST_KAFKA_IMAGE / TEST_POSTGRES_IMAGE. Where the Ryuk reaper image cannot be had,
// Ryuk is disabled explicitly and the global teardown (then this script) removes the containers.
// Needs the services built. Results: .cache/test-results/docker/testcontainers-*.json.
// Exit 3: no Docker path works here (the reason is printed).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerPath, ryukOrDisabled } from '../local/docker-path.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const say = (message) => console.log(`[testcontainers] ${message}`);
const started = Date.now();

const path = dockerPath('docker', ['kafka', 'postgres']);
if (!path.use) {
  say(`no Docker path: ${path.reason}`);
  process.exit(3);
}
const env = {
  ...process.env,
  TEST_KAFKA_IMAGE: path.images.kafka,
  TEST_POSTGRES_IMAGE: path.images.postgres,
};
delete env.KAFKA_BROKERS;
delete env.DATABASE_URL;
ryukOrDisabled(env, say);
say(`images: ${path.reason}`);

const SUITES = [
  ['messaging', 'libs/messaging/jest.integration.config.js', []],
  [
    'invoicing-flow',
    'services/invoicing/jest.integration.config.js',
    ['--testPathPatterns', 'invoicing.flow'],
  ],
];
let status = 0;
for (const [name, config, extra] of SUITES) {
  const at = Date.now();
  const result = spawnSync(
    'npx',
    [
      'jest',
      '-c',
      config,
      ...extra,
      '--json',
      `--outputFile=.cache/test-results/docker/testcontainers-${name}.json`,
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  say(
    `${name}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - at) / 1000)} s`,
  );
  if (result.status !== 0) status = result.status ?? 1;
}
if (env.TESTCONTAINERS_RYUK_DISABLED === 'true') {
  const left = spawnSync('docker', ['ps', '-aq', '--filter', 'label=org.testcontainers=true'], {
    encoding: 'utf8',
  }).stdout.trim();
  if (left) {
    say(`removing ${left.split('\n').length} container(s) a crashed run left behind`);
    spawnSync('docker', ['rm', '-f', ...left.split('\n')], { stdio: 'ignore' });
  }
}
say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(status);
