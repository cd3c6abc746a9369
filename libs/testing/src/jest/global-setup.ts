import {
  checkKafka,
  checkPostgres,
  dockerAvailable,
  HOW_TO_PROVISION,
  KAFKA_IMAGE,
  POSTGRES_IMAGE,
} from './infrastructure';

interface Started {
  stop(): Promise<unknown>;
}
declare global {
  var __POS_TRIPLETEX_CONTAINERS__: Started[] | undefined;
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
    const { KafkaContainer } = await import('@testcontainers/kafka');
    log(`starting ${KAFKA_IMAGE} with testcontainers`);
    const kafka = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
    containers.push(kafka);
    process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
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
