import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The days the export worker may claim (CLOSED, or EXPORTING with a lapsed lease), per company in
 * date order: the claim looks up the oldest of each ACTIVE company here, so its cost follows the
 * active companies, not every closed day – days of companies that never activated the
 * integration (or paused it) stay CLOSED for good and used to be scanned by every pass.
 */
export class ClaimableDaysIndex1764547200540 implements MigrationInterface {
  name = 'ClaimableDaysIndex1764547200540';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_days_claimable" ON "days" ("company_id", "business_day", "location_id") WHERE "status" IN ('CLOSED', 'EXPORTING')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_days_claimable"`);
  }
}
