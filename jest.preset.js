// Shared jest configuration. Each project's jest.config.js (unit) and jest.integration.config.js
// (real Kafka + PostgreSQL) call one of these with its own directory.
const fs = require('node:fs');
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const root = __dirname;

// The test targets write jest's JSON results here (--outputFile); jest does not create folders.
for (const tier of ['unit', 'integration', 'e2e', 'docker']) {
  fs.mkdirSync(path.join(root, '.cache/test-results', tier), { recursive: true });
}

/** `@pos-tripletex/x` → libs/x/src/index.ts, straight from tsconfig.base.json's paths. */
function moduleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
    mapper[`^${alias.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')}$`] = path.join(root, target);
  }
  return mapper;
}

function base(projectDir) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: moduleNameMapper(),
    // Transpile only (isolatedModules): type errors are the typecheck target's job, and this is
    // several times faster on a 2-core machine.
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.jest.json') }] },
    clearMocks: true,
  };
}

exports.unitConfig = (projectDir) => ({
  ...base(projectDir),
  displayName: path.relative(root, projectDir),
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
});

/**
 * Integration suites. `kafkaAndPostgres: false` for suites that only talk HTTP (e.g. to the
 * Tripletex sandbox) and need no broker or database.
 */
exports.integrationConfig = (projectDir, { kafkaAndPostgres = true } = {}) => ({
  ...base(projectDir),
  displayName: `${path.relative(root, projectDir)} (integration)`,
  // Medium tests (`*.medium-spec.ts`, beside the use case they test) need the same infrastructure.
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts', '<rootDir>/src/**/*.medium-spec.ts'],
  ...(kafkaAndPostgres
    ? {
        globalSetup: path.join(root, 'libs/testing/src/jest/global-setup.ts'),
        globalTeardown: path.join(root, 'libs/testing/src/jest/global-teardown.ts'),
      }
    : {}),
  testTimeout: 120_000,
  // One file at a time within a project: each file starts its own instance of the service, and
  // two instances of one service in different consumer groups on the shared topics would act on
  // each other's test events (Nx still runs two projects side by side).
  maxWorkers: 1,
});
