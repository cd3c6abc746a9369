import { messagingEntities, messagingMigrations } from '@pos-tripletex/messaging';
import { DatabaseSetup, loadEnv, typeOrmOptions } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { OnboardingEnv } from '../config/env.schema';

/** Every entity and every migration of the service, listed explicitly (bundlers break globs). */
export const databaseSetup: DatabaseSetup = {
  service: 'onboarding',
  entities: [...messagingEntities],
  migrations: [...messagingMigrations],
};

/** A DataSource from the environment, for the migrate step and the TypeORM CLI. */
export function createDataSource(env: Record<string, unknown> = process.env): DataSource {
  return new DataSource(typeOrmOptions(loadEnv(OnboardingEnv, 'onboarding', env), databaseSetup));
}
