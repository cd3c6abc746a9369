// What `npm run up` starts locally: each service, its port, and the environment it gets.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const pick = (source, keys) =>
  Object.fromEntries(keys.filter((k) => source[k]).map((k) => [k, source[k]]));
// adminPort: the admin listener (/metrics, readiness details), on 127.0.0.1 like everything here.
export const SERVICES = [
  { name: 'tripletex-sandbox', port: 3080, adminPort: 9080, database: false },
  { name: 'onboarding', port: 3001, adminPort: 9001, database: true },
  { name: 'sales-export', port: 3002, adminPort: 9002, database: true },
  { name: 'customer-sync', port: 3003, adminPort: 9003, database: true },
  { name: 'invoicing', port: 3004, adminPort: 9004, database: true },
];

export const RUN_DIR = new URL('../../.cache/run/', import.meta.url);
const SECRETS_FILE = new URL('local-secrets.json', RUN_DIR);

/**
 * Secrets of a local run: a BackOffice JWT secret and an encryption key, made once per checkout
 * and kept in .cache/run (git-ignored). Production secrets come from the operator's environment.
 */
export function localSecrets() {
  if (existsSync(SECRETS_FILE)) return JSON.parse(readFileSync(SECRETS_FILE, 'utf8'));
  const secrets = {
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `local1:${randomBytes(32).toString('base64')}`,
    ENCRYPTION_ACTIVE_KEY_ID: 'local1',
  };
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const KAFKA_CREDENTIALS = new URL('../../.cache/kafka/credentials.env', import.meta.url);

/**
 * The passwords deploy/kafka/kafka.sh made for the local broker's principals when it formatted
 * its storage (`KAFKA_PASSWORD_<PRINCIPAL>` → password); null when it runs without authentication.
 */
export function localKafkaPasswords() {
  if (!existsSync(KAFKA_CREDENTIALS)) return null;
  return Object.fromEntries(
    readFileSync(KAFKA_CREDENTIALS, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('KAFKA_PASSWORD_') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The local broker's SASL settings for `principal` (an open broker: none). */
export function kafkaPrincipalEnv(principal) {
  const passwords = localKafkaPasswords();
  if (!passwords) return { KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' };
  const password = passwords[`KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')}`];
  if (!password)
    throw new Error(`no Kafka password for ${principal} in ${KAFKA_CREDENTIALS.pathname}`);
  return {
    KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: password,
  };
}

/**
 * How every service's Node runs (deploy/Dockerfile sets the same for the images; the e2e suites'
 * SpawnedService too): the heap is bounded, so V8 collects old garbage instead of growing towards
 * its default limit under a burst (sales-export reached 330 MB RSS ingesting 200,000 checkouts
 * with a live set far below this; bounded: under 256 MiB, see deploy/bench/results).
 */
export const SERVICE_NODE_OPTIONS = '--max-old-space-size=192';

/**
 * Environment for a locally started service; variables already set in the shell win. Both
 * listeners are on 127.0.0.1, so the API docs stay on the public port (Swagger UI's "Try it out"
 * calls the API beside them); /metrics and readiness details are on the admin port as in production.
 */
export function serviceEnv(service) {
  const env = {
    LOG_LEVEL: 'info',
    HTTP_HOST: '127.0.0.1',
    ADMIN_HTTP_HOST: '127.0.0.1',
    API_DOCS_EXPOSURE: 'public',
    ...process.env,
    HTTP_PORT: String(service.port),
    ADMIN_HTTP_PORT: String(service.adminPort),
  };
  if (service.database) {
    // The sandbox, keeping every company in memory, is not held to the services' heap bound.
    env.NODE_OPTIONS = process.env.NODE_OPTIONS ?? SERVICE_NODE_OPTIONS;
    env.DATABASE_URL =
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex';
    env.KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    env.KAFKA_GROUP_ID = process.env.KAFKA_GROUP_ID ?? service.name;
    // Each service as its own principal, so the broker's ACLs apply – also when the shell holds
    // the super user's settings (`eval "$(npm run -s infra -- env)"`); other settings win.
    if (!process.env.KAFKA_SECURITY_PROTOCOL || process.env.KAFKA_SASL_USERNAME === 'admin')
      Object.assign(env, kafkaPrincipalEnv(service.name));
    env.TRIPLETEX_BASE_URL = process.env.TRIPLETEX_BASE_URL ?? 'http://127.0.0.1:3080/v2';
    env.TRIPLETEX_CONSUMER_TOKEN = process.env.TRIPLETEX_CONSUMER_TOKEN ?? 'sandbox-consumer-token';
    Object.assign(
      env,
      localSecrets(),
      pick(process.env, ['AUTH_JWT_SECRET', 'ENCRYPTION_KEYS', 'ENCRYPTION_ACTIVE_KEY_ID']),
    );
  }
  return env;
}
