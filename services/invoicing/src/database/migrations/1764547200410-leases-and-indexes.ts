import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claimed invoice requests and collective runs record their owner (a token per claim) and a lease,
 * so only the worker holding the row records a result; and the hot queries get partial indexes:
 * the requests in flight per company (the claim's fairness check), the open collective orders per
 * company and customer, and the collective runs still to do.
 */
export class LeasesAndIndexes1764547200410 implements MigrationInterface {
  name = 'LeasesAndIndexes1764547200410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "invoice_requests" ADD COLUMN "lease_owner" uuid`);
    await q.query(
      `ALTER TABLE "collective_runs" ADD COLUMN "lease_owner" uuid, ADD COLUMN "lease_until" TIMESTAMP WITH TIME ZONE, ADD COLUMN "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await q.query(
      `CREATE INDEX "ix_invoice_requests_in_flight" ON "invoice_requests" ("company_id", "lease_until") WHERE "status" = 'IN_FLIGHT'`,
    );
    await q.query(
      `CREATE INDEX "ix_invoice_requests_collective_open" ON "invoice_requests" ("company_id", "customer_id", "business_day") WHERE "status" = 'ORDERED' AND "mode" = 'COLLECTIVE' AND "collective_run_id" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_collective_runs_due" ON "collective_runs" ("next_attempt_at") WHERE "status" IN ('PENDING', 'IN_FLIGHT')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_collective_runs_due"`);
    await q.query(`DROP INDEX "ix_invoice_requests_collective_open"`);
    await q.query(`DROP INDEX "ix_invoice_requests_in_flight"`);
    await q.query(
      `ALTER TABLE "collective_runs" DROP COLUMN "next_attempt_at", DROP COLUMN "lease_until", DROP COLUMN "lease_owner"`,
    );
    await q.query(`ALTER TABLE "invoice_requests" DROP COLUMN "lease_owner"`);
  }
}
