import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tripletex ids are int64: an id above 2^31 − 1 must be stored, not refused by PostgreSQL. */
export class TripletexIdsInt641764547200500 implements MigrationInterface {
  name = 'TripletexIdsInt641764547200500';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "vouchers" ALTER COLUMN "tripletex_id" TYPE bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "vouchers" ALTER COLUMN "tripletex_id" TYPE integer');
  }
}
