import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables libs/messaging needs (processed_events, outbox_messages), in the schema of whichever
 * service lists this migration. Every service that consumes or publishes includes it.
 */
export class MessagingTables1764028800000 implements MigrationInterface {
  name = 'MessagingTables1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "processed_events" (
        "consumer" varchar(100) NOT NULL,
        "event_id" varchar(100) NOT NULL,
        "topic" varchar(255) NOT NULL,
        "partition" integer NOT NULL,
        "offset" bigint NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_processed_events" PRIMARY KEY ("consumer", "event_id")
      )`);
    await q.query(`
      CREATE TABLE "outbox_messages" (
        "id" BIGSERIAL NOT NULL,
        "topic" varchar(255) NOT NULL,
        "key" varchar(255),
        "value" text,
        "headers" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_outbox_messages" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "ix_outbox_messages_unsent" ON "outbox_messages" ("id") WHERE "sent_at" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbox_messages"`);
    await q.query(`DROP TABLE "processed_events"`);
  }
}
