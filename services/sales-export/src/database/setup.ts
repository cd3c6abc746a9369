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
import { SalesExportEnv } from '../config/env.schema';
import { DayEntity } from '../days/entities/day.entity';
import { SaleEntity } from '../sales/entities/sale.entity';
import { VoucherEntity } from '../vouchers/entities/voucher.entity';
import { LeasesAndIndexes1764547200510 } from './migrations/1764547200510-leases-and-indexes';
import { ZReportReconciliation1764547200520 } from './migrations/1764547200520-z-report-reconciliation';
import { VoucherUndoAction1764547200530 } from './migrations/1764547200530-voucher-undo-action';
import { ClaimableDaysIndex1764547200540 } from './migrations/1764547200540-claimable-days-index';
import { SalesReceivedAtDefault1764547200550 } from './migrations/1764547200550-sales-received-at-default';
import { TripletexIdsInt641764547200500 } from './migrations/1764547200500-tripletex-ids-int64';
import { SalesExport1764028800500 } from './migrations/1764028800500-sales-export';

/** Every entity and every migration of the service, listed explicitly (bundlers break globs). */
export const databaseSetup: DatabaseSetup = {
  service: 'sales-export',
  entities: [
    ...messagingEntities,
    ...companySettingsEntities,
    ...auditEntities,
    SaleEntity,
    DayEntity,
    VoucherEntity,
  ],
  migrations: [
    ...messagingMigrations,
    ...companySettingsMigrations,
    SalesExport1764028800500,
    TripletexIdsInt641764547200500,
    LeasesAndIndexes1764547200510,
    ZReportReconciliation1764547200520,
    VoucherUndoAction1764547200530,
    ClaimableDaysIndex1764547200540,
    SalesReceivedAtDefault1764547200550,
    ...auditMigrations,
  ],
};

/** A DataSource from the environment, for the migrate step and the TypeORM CLI. */
export function createDataSource(env: Record<string, unknown> = process.env): DataSource {
  return new DataSource(
    typeOrmOptions(loadDatabaseEnv(SalesExportEnv, 'sales-export', env), databaseSetup),
  );
}
