import { MigrationInterface, QueryRunner } from 'typeorm';

/** A sale's `received_at` is the database's clock when it is stored (the COPY ingest omits it). */
export class SalesReceivedAtDefault1764547200550 implements MigrationInterface {
  name = 'SalesReceivedAtDefault1764547200550';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sales" ALTER COLUMN "received_at" SET DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sales" ALTER COLUMN "received_at" DROP DEFAULT`);
  }
}
