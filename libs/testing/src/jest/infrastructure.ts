import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testKafkaSecurity } from '../env';

// Images of the Docker path: the ones docker-compose.yml runs – the official Apache Kafka 3.9.1,
// the same Kafka deploy/kafka/kafka.sh runs from Maven Central – unless TEST_KAFKA_IMAGE /
// TEST_POSTGRES_IMAGE name others (CI here: the locally built pos-tripletex/ci-* stand-ins).
export const KAFKA_IMAGE = process.env.TEST_KAFKA_IMAGE || 'apache/kafka:3.9.1';
export const POSTGRES_IMAGE = process.env.TEST_POSTGRES_IMAGE || 'postgres:16.6-alpine';

export const HOW_TO_PROVISION = [
  'Integration tests need a real Kafka broker and a real PostgreSQL. Either:',
  '  - run them through `npm test` (or `npm run test:integration`): it provisions the tests’ own',
  '    Kafka on 127.0.0.1:19092 and the pos_tripletex_test database (deploy/local/infra.sh test-up), or',
  '  - `npm run infra -- test-up` and `eval "$(npm run -s infra -- test-env)"` before running jest, or',
  '  - `npm test -- --docker` with a Docker engine: Kafka and PostgreSQL through testcontainers.',
].join('\n');

export async function checkKafka(brokers: string): Promise<string> {
  const kafka = new Kafka({
    clientId: 'test-infra-check',
    brokers: brokers.split(','),
    sasl: testKafkaSecurity().sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 200 },
    connectionTimeout: 3000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function checkPostgres(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Is a Docker engine reachable for testcontainers? Never throws. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
