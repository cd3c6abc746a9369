import type { SASLOptions } from 'kafkajs';
import { randomBytes } from 'node:crypto';

const KAFKA_SECURITY_VARIABLES = [
  'KAFKA_SECURITY_PROTOCOL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
] as const;

/**
 * How the tests reach the broker: the variables deploy/local/infra.sh test-env printed (the super
 * user `admin` of the tests' SASL broker), as service environment and as kafkajs `sasl` options.
 * Empty when the broker is open (testcontainers).
 */
export function testKafkaSecurity(): {
  env: Record<string, string>;
  sasl?: SASLOptions;
} {
  const env: Record<string, string> = {};
  for (const name of KAFKA_SECURITY_VARIABLES) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT';
  if (!protocol.startsWith('SASL_')) return { env };
  return {
    env,
    sasl: {
      mechanism: (env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512').toLowerCase(),
      username: env.KAFKA_SASL_USERNAME ?? '',
      password: env.KAFKA_SASL_PASSWORD ?? '',
    } as SASLOptions,
  };
}

/**
 * The password of a principal of the tests' SASL broker (`KAFKA_PASSWORD_<PRINCIPAL>` from
 * infra.sh test-env), or undefined when the broker is open.
 */
export function testKafkaPassword(principal: string): string | undefined {
  return process.env[`KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')}`];
}

/**
 * Service environment that connects as `principal` (e.g. `invoicing`, `pos`) instead of the super
 * user, so the broker's ACLs apply: what the e2e system and the security suite run with. The same
 * as testKafkaSecurity().env when the broker is open.
 */
export function testKafkaPrincipalEnv(principal: string): Record<string, string> {
  const { env, sasl } = testKafkaSecurity();
  if (!sasl) return env;
  const password = testKafkaPassword(principal);
  if (!password)
    throw new Error(
      `KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')} is not set: take the env from deploy/local/infra.sh test-env`,
    );
  return { ...env, KAFKA_SASL_USERNAME: principal, KAFKA_SASL_PASSWORD: password };
}

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
