const { integrationConfig } = require('../../jest.preset');

// The end-to-end and fault suites: every service as its own process on real Kafka and PostgreSQL.
module.exports = {
  ...integrationConfig(__dirname),
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: process.env.FAULTS_SCALE === 'full' ? 1_200_000 : 600_000,
};
