import { MigrationInterface, QueryRunner } from 'typeorm';
import { START_DATE_SQL } from './company-settings.entity';

/**
 * `start_date`: the settings' startDate as a typed column, computed by PostgreSQL from the stored
 * event, so services filter on it in SQL without reading the JSON by path. A stored generated
 * column must be immutable, which a text→date cast is not (it depends on DateStyle): the
 * expression builds the date from its parts instead (the contract guarantees YYYY-MM-DD, a real
 * calendar day, or null). The typeorm_metadata row (TypeORM creates the table before running
 * migrations, because the entity maps a generated column) lets migration:generate see the column
 * as it is.
 */
export class CompanySettingsStartDate1764547200100 implements MigrationInterface {
  name = 'CompanySettingsStartDate1764547200100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "company_settings" ADD "start_date" date GENERATED ALWAYS AS (${START_DATE_SQL}) STORED`,
    );
    await q.query(
      `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value")
       VALUES (current_database(), current_schema(), 'company_settings', 'GENERATED_COLUMN', 'start_date', $1)`,
      [START_DATE_SQL],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "schema" = current_schema()
         AND "table" = 'company_settings' AND "name" = 'start_date'`,
    );
    await q.query(`ALTER TABLE "company_settings" DROP COLUMN "start_date"`);
  }
}
