import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sales-export settings chosen with the start date (posting mode, grace after the cut-off). */
export class SalesExportSettings1764028800210 implements MigrationInterface {
  name = 'SalesExportSettings1764028800210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "integrations" ADD "sales_export" jsonb NOT NULL DEFAULT '{"sendToLedger":true,"graceMinutes":30}'`,
    );
    // The default only fills existing rows; new rows always get the settings from the service.
    await q.query(`ALTER TABLE "integrations" ALTER COLUMN "sales_export" DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" DROP COLUMN "sales_export"`);
  }
}
