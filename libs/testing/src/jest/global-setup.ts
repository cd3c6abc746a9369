import {
  checkKafka,
  checkPostgres,
  dockerAvailable,
  HOW_TO_PROVISION,
  KAFKA_IMAGE,
  POSTGRES_IMAGE,
} from './infrastructure';
import { freePort } from '../services/spawned-service';

interface Started {
  stop(): Promise<unknown>;
}
declare global {
  var __POS_TRIPLETEX_CONTAINERS__: Started[] | undefined;
}

/**
 * A single-node KRaft broker from an image configured like the official apache/kafka one (every
 * KAFKA_* variable a broker property), with the broker settings of deploy/kafka/kafka.sh. The
 * external listener is advertised on a host port chosen before the start, so clients on the
 * host reach the broker at the address it advertises.
 */
async function startKafka(): Promise<{ container: Started; brokers: string }> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 29092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:29092',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:9092,EXTERNAL://${host}:${port}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
        'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_NUM_PARTITIONS: '6',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '6',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return { container, brokers: `${host}:${port}` };
}

function log(line: string): void {
  process.stderr.write(`[testing] ${line}\n`);
}

async function fromEnvOrContainers(): Promise<void> {
  const containers: Started[] = [];
  globalThis.__POS_TRIPLETEX_CONTAINERS__ = containers;
  const needKafka = !process.env.KAFKA_BROKERS;
  const needPostgres = !process.env.DATABASE_URL;

  if ((needKafka || needPostgres) && !(await dockerAvailable())) {
    const missing = [needKafka && 'KAFKA_BROKERS', needPostgres && 'DATABASE_URL'].filter(Boolean);
    throw new Error(
      `${missing.join(' and ')} not set and no Docker engine answers.\n${HOW_TO_PROVISION}`,
    );
  }
  if (needKafka) {
    log(`starting ${KAFKA_IMAGE} with testcontainers`);
    const kafka = await startKafka();
    containers.push(kafka.container);
    process.env.KAFKA_BROKERS = kafka.brokers;
  }
  if (needPostgres) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    log(`starting ${POSTGRES_IMAGE} with testcontainers`);
    const pg = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
    containers.push(pg);
    process.env.DATABASE_URL = pg.getConnectionUri();
  }
}

/**
 * Runs once per jest run of an integration project: finds Kafka and PostgreSQL (env first, then
 * testcontainers), proves both answer, and leaves their addresses in process.env for the test
 * workers. Suites never run against a mock.
 */
export default async function globalSetup(): Promise<void> {
  await fromEnvOrContainers();
  const brokers = process.env.KAFKA_BROKERS as string;
  const databaseUrl = process.env.DATABASE_URL as string;
  try {
    log(`Kafka ${brokers}: ${await checkKafka(brokers)}`);
  } catch (error) {
    throw new Error(
      `No Kafka broker answers at KAFKA_BROKERS=${brokers}: ${(error as Error).message}\n${HOW_TO_PROVISION}`,
    );
  }
  try {
    log(
      `${await checkPostgres(databaseUrl)} at ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}`,
    );
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at DATABASE_URL: ${(error as Error).message}\n${HOW_TO_PROVISION}`,
    );
  }
}
