const { integrationConfig } = require('../../jest.preset');

// The compose smoke test: the system as `docker compose up` runs it, reached only through the
// stack's published ports (deploy/docker/smoke.sh starts and stops the stack around it).
module.exports = {
  ...integrationConfig(__dirname, { kafkaAndPostgres: false }),
  displayName: 'compose smoke',
  testMatch: ['<rootDir>/test/**/*.smoke-spec.ts'],
  testTimeout: 300_000,
};
