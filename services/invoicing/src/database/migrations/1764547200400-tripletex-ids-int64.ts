import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tripletex ids are int64: an id above 2^31 − 1 must be stored, not refused by PostgreSQL. */
export class TripletexIdsInt641764547200400 implements MigrationInterface {
  name = 'TripletexIdsInt641764547200400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "customer_id" TYPE bigint');
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "order_id" TYPE bigint');
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "invoice_id" TYPE bigint');
    await q.query('ALTER TABLE "collective_runs" ALTER COLUMN "customer_id" TYPE bigint');
    await q.query('ALTER TABLE "collective_runs" ALTER COLUMN "invoice_id" TYPE bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "collective_runs" ALTER COLUMN "invoice_id" TYPE integer');
    await q.query('ALTER TABLE "collective_runs" ALTER COLUMN "customer_id" TYPE integer');
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "invoice_id" TYPE integer');
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "order_id" TYPE integer');
    await q.query('ALTER TABLE "invoice_requests" ALTER COLUMN "customer_id" TYPE integer');
  }
}
