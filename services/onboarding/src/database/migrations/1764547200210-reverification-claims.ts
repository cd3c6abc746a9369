import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-verification claims companies one by one with a short lease (several in parallel, and never
 * one company by two instances at once), instead of one instance walking the whole list.
 */
export class ReverificationClaims1764547200210 implements MigrationInterface {
  name = 'ReverificationClaims1764547200210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "integrations" ADD COLUMN "reverify_lease_until" TIMESTAMP WITH TIME ZONE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integrations" DROP COLUMN "reverify_lease_until"`);
  }
}
