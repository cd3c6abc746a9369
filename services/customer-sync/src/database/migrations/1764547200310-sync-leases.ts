import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync work is claimed like other work: a company's state row carries the claim's owner and lease
 * (held by heartbeat), and when it was last served, so due companies are served round-robin.
 */
export class SyncLeases1764547200310 implements MigrationInterface {
  name = 'SyncLeases1764547200310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "sync_states" ADD COLUMN "lease_owner" uuid, ADD COLUMN "lease_until" TIMESTAMP WITH TIME ZONE, ADD COLUMN "served_at" TIMESTAMP WITH TIME ZONE`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_received_at" ON "webhook_deliveries" ("received_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_webhook_deliveries_received_at"`);
    await q.query(
      `ALTER TABLE "sync_states" DROP COLUMN "served_at", DROP COLUMN "lease_until", DROP COLUMN "lease_owner"`,
    );
  }
}
