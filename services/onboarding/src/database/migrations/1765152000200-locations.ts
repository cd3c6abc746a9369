import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each POS location's Tripletex department (the wizard's optional locations step). */
export class Locations1765152000200 implements MigrationInterface {
  name = 'Locations1765152000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" ADD COLUMN "locations" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" DROP COLUMN "locations"`);
  }
}
