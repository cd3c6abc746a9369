import {
  companySettingsEntities,
  companySettingsMigrations,
} from '@pos-tripletex/company-settings';
import { messagingEntities, messagingMigrations } from '@pos-tripletex/messaging';
import { DatabaseSetup, loadDatabaseEnv, typeOrmOptions } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { CustomerSyncEnv } from '../config/env.schema';
import { CustomerEntity } from '../customers/entities/customer.entity';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { WebhookDeliveryEntity } from '../webhooks/entities/webhook-delivery.entity';
import { SyncLeases1764547200310 } from './migrations/1764547200310-sync-leases';
import { WebhookStates1765152000300 } from './migrations/1765152000300-webhook-states';
import { TripletexIdsInt641764547200300 } from './migrations/1764547200300-tripletex-ids-int64';
import { CustomerSync1764028800300 } from './migrations/1764028800300-customer-sync';

/** Every entity and every migration of the service, listed explicitly (bundlers break globs). */
export const databaseSetup: DatabaseSetup = {
  service: 'customer-sync',
  entities: [
    ...messagingEntities,
    ...companySettingsEntities,
    CustomerEntity,
    SyncStateEntity,
    WebhookDeliveryEntity,
  ],
  migrations: [
    ...messagingMigrations,
    ...companySettingsMigrations,
    CustomerSync1764028800300,
    TripletexIdsInt641764547200300,
    SyncLeases1764547200310,
    WebhookStates1765152000300,
  ],
};

/** A DataSource from the environment, for the migrate step and the TypeORM CLI. */
export function createDataSource(env: Record<string, unknown> = process.env): DataSource {
  return new DataSource(
    typeOrmOptions(loadDatabaseEnv(CustomerSyncEnv, 'customer-sync', env), databaseSetup),
  );
}
