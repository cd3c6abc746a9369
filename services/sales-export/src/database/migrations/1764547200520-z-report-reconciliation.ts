import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Z-report's counted cash (its difference to the day's cash payments is posted) and the
 * reconciliation of the Z-report against the stored sales, as the last export pass saw it.
 */
export class ZReportReconciliation1764547200520 implements MigrationInterface {
  name = 'ZReportReconciliation1764547200520';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "days" ADD COLUMN "z_counted_cash" bigint`);
    await q.query(`ALTER TABLE "days" ADD COLUMN "reconciliation" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "days" DROP COLUMN "reconciliation"`);
    await q.query(`ALTER TABLE "days" DROP COLUMN "z_counted_cash"`);
  }
}
