import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { describeError } from '../errors/app-error';
import { createLogger } from '../logging/logging.module';

/**
 * Creates the service's schema if needed and applies pending migrations, each in its own
 * transaction. A Postgres advisory lock per schema makes two instances starting together take
 * turns instead of racing.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as PostgresDataSourceOptions).schema ?? 'public';
  if (!dataSource.isInitialized) await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}

/** Entry point of a service's `migrate` step: apply, log what was applied, exit 0 or 1. */
export async function runMigrationsCli(service: string, load: () => DataSource): Promise<void> {
  const logger = createLogger(`${service}-migrate`);
  let dataSource: DataSource | undefined;
  try {
    dataSource = load();
    const schema = (dataSource.options as PostgresDataSourceOptions).schema;
    const applied = await runMigrations(dataSource);
    logger.info(
      { schema, applied },
      applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date',
    );
    await dataSource.destroy();
    process.exitCode = 0;
  } catch (error) {
    logger.error({ err: error }, `migration failed: ${describeError(error)}`);
    await dataSource?.destroy().catch(() => undefined);
    process.exitCode = 1;
  }
}
