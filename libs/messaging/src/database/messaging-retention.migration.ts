import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Housekeeping support: processed_events are pruned by age (an index on processed_at), sent
 * outbox rows likewise, and an outbox row the broker refuses is parked with its reason instead of
 * blocking every row behind it.
 */
export class MessagingRetention1764547200000 implements MigrationInterface {
  name = 'MessagingRetention1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_processed_events_processed_at" ON "processed_events" ("processed_at")`,
    );
    await q.query(
      `ALTER TABLE "outbox_messages" ADD COLUMN "parked_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN "park_reason" text`,
    );
    await q.query(`DROP INDEX "ix_outbox_messages_unsent"`);
    await q.query(
      `CREATE INDEX "ix_outbox_messages_unsent" ON "outbox_messages" ("id") WHERE "sent_at" IS NULL AND "parked_at" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_outbox_messages_sent_at" ON "outbox_messages" ("sent_at") WHERE "sent_at" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_outbox_messages_sent_at"`);
    await q.query(`DROP INDEX "ix_outbox_messages_unsent"`);
    await q.query(
      `CREATE INDEX "ix_outbox_messages_unsent" ON "outbox_messages" ("id") WHERE "sent_at" IS NULL`,
    );
    await q.query(
      `ALTER TABLE "outbox_messages" DROP COLUMN "park_reason", DROP COLUMN "parked_at"`,
    );
    await q.query(`DROP INDEX "ix_processed_events_processed_at"`);
  }
}
