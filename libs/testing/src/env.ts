import { randomBytes } from 'node:crypto';

/** Addresses the global setup found; fails loudly if a suite runs without it. */
export function testInfra(): { kafkaBrokers: string; databaseUrl: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) {
    throw new Error(
      'KAFKA_BROKERS/DATABASE_URL missing: run integration suites through their jest.integration.config.js',
    );
  }
  return { kafkaBrokers, databaseUrl };
}

/** A name no other test file or run uses: `<prefix>_<random>`, safe for topics, groups and schemas. */
export function uniqueName(prefix: string): string {
  return `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
}
