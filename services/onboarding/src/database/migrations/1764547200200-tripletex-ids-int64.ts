import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tripletex ids are int64: an id above 2^31 − 1 must be stored, not refused by PostgreSQL. */
export class TripletexIdsInt641764547200200 implements MigrationInterface {
  name = 'TripletexIdsInt641764547200200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "integrations" ALTER COLUMN "tripletex_company_id" TYPE bigint');
    await q.query('ALTER TABLE "integrations" ALTER COLUMN "tripletex_employee_id" TYPE bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "integrations" ALTER COLUMN "tripletex_employee_id" TYPE integer');
    await q.query('ALTER TABLE "integrations" ALTER COLUMN "tripletex_company_id" TYPE integer');
  }
}
