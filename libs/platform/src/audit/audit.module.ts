import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRecordEntity } from './audit-record.entity';
import { AuditRecords1765843200000 } from './audit-records.migration';
import { AuditTrail } from './audit-trail';

/**
 * A service's audit trail: AuditTrail (record a change in its transaction, read the trail) and
 * `GET /v1/companies/:companyId/audit`. The service lists auditEntities and auditMigrations in
 * its database setup.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditTrail],
  exports: [AuditTrail],
})
export class AuditModule {}

export const auditEntities = [AuditRecordEntity];
export const auditMigrations = [AuditRecords1765843200000];
