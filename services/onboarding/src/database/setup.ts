import { messagingEntities, messagingMigrations } from '@pos-tripletex/messaging';
import {
  auditEntities,
  auditMigrations,
  DatabaseSetup,
  loadDatabaseEnv,
  typeOrmOptions,
} from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { OnboardingEnv } from '../config/env.schema';
import { IntegrationEntity } from '../integrations/entities/integration.entity';
import { Alerts1796169600200 } from './migrations/1796169600200-alerts';
import { Integrations1764028800200 } from './migrations/1764028800200-integrations';
import { Locations1765152000200 } from './migrations/1765152000200-locations';
import { ReverificationClaims1764547200210 } from './migrations/1764547200210-reverification-claims';
import { TripletexIdsInt641764547200200 } from './migrations/1764547200200-tripletex-ids-int64';
import { SalesExportSettings1764028800210 } from './migrations/1764028800210-sales-export-settings';

/** Every entity and every migration of the service, listed explicitly (bundlers break globs). */
export const databaseSetup: DatabaseSetup = {
  service: 'onboarding',
  entities: [...messagingEntities, ...auditEntities, IntegrationEntity],
  migrations: [
    ...messagingMigrations,
    Integrations1764028800200,
    SalesExportSettings1764028800210,
    TripletexIdsInt641764547200200,
    ReverificationClaims1764547200210,
    Locations1765152000200,
    ...auditMigrations,
    Alerts1796169600200,
  ],
};

/** A DataSource from the environment, for the migrate step and the TypeORM CLI. */
export function createDataSource(env: Record<string, unknown> = process.env): DataSource {
  return new DataSource(
    typeOrmOptions(loadDatabaseEnv(OnboardingEnv, 'onboarding', env), databaseSetup),
  );
}
