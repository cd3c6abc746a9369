import { DataSourceOptions, MixedList } from 'typeorm';
import type { DatabaseServiceEnv } from '../config/base-env';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmLogger } from './typeorm-logger';

export interface DatabaseSetup {
  service: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
}

/**
 * TypeORM options for a service: its own schema (also first on the search_path, so raw SQL in
 * migrations lands there), explicit entity and migration lists, never `synchronize`.
 */
export function typeOrmOptions(env: DatabaseServiceEnv, setup: DatabaseSetup): DataSourceOptions {
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA,
    ssl: env.DATABASE_SSL ? { rejectUnauthorized: true } : false,
    entities: setup.entities,
    migrations: setup.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: setup.service,
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmLogger(),
    maxQueryExecutionTime: 2000,
    extra: {
      max: env.DATABASE_POOL_MAX,
      options: `-c search_path=${env.DATABASE_SCHEMA},public`,
      connectionTimeoutMillis: 5000,
    },
  };
}
