import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claimed day records its owner (a token per claim), so a worker records its result only while
 * it still owns the day; and the hot queries get partial indexes: the open days the closer looks
 * at, and the days being exported per company that the claim checks.
 */
export class LeasesAndIndexes1764547200510 implements MigrationInterface {
  name = 'LeasesAndIndexes1764547200510';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "days" ADD COLUMN "lease_owner" uuid`);
    await q.query(
      `CREATE INDEX "ix_days_open_closes_at" ON "days" ("closes_at") WHERE "status" = 'OPEN'`,
    );
    await q.query(
      `CREATE INDEX "ix_days_exporting_company" ON "days" ("company_id", "lease_until") WHERE "status" = 'EXPORTING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_days_exporting_company"`);
    await q.query(`DROP INDEX "ix_days_open_closes_at"`);
    await q.query(`ALTER TABLE "days" DROP COLUMN "lease_owner"`);
  }
}
