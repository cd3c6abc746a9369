import {
  companySettingsEntities,
  companySettingsMigrations,
} from '@pos-tripletex/company-settings';
import { messagingEntities, messagingMigrations } from '@pos-tripletex/messaging';
import {
  auditEntities,
  auditMigrations,
  DatabaseSetup,
  loadDatabaseEnv,
  typeOrmOptions,
} from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { CollectiveRunEntity } from '../collective/entities/collective-run.entity';
import { CollectiveScheduleEntity } from '../collective/entities/collective-schedule.entity';
import { InvoiceRequestEntity } from '../invoices/entities/invoice-request.entity';
import { LeasesAndIndexes1764547200410 } from './migrations/1764547200410-leases-and-indexes';
import { RetryOn1764547200420 } from './migrations/1764547200420-retry-on';
import { TripletexIdsInt641764547200400 } from './migrations/1764547200400-tripletex-ids-int64';
import { Invoicing1764028800400 } from './migrations/1764028800400-invoicing';

/** Every entity and every migration of the service, listed explicitly (bundlers break globs). */
export const databaseSetup: DatabaseSetup = {
  service: 'invoicing',
  entities: [
    ...messagingEntities,
    ...companySettingsEntities,
    ...auditEntities,
    InvoiceRequestEntity,
    CollectiveRunEntity,
    CollectiveScheduleEntity,
  ],
  migrations: [
    ...messagingMigrations,
    ...companySettingsMigrations,
    Invoicing1764028800400,
    TripletexIdsInt641764547200400,
    LeasesAndIndexes1764547200410,
    RetryOn1764547200420,
    ...auditMigrations,
  ],
};

/** A DataSource from the environment, for the migrate step and the TypeORM CLI. */
export function createDataSource(env: Record<string, unknown> = process.env): DataSource {
  return new DataSource(
    typeOrmOptions(loadDatabaseEnv(InvoicingEnv, 'invoicing', env), databaseSetup),
  );
}
