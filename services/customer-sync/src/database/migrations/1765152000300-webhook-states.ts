import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions get a state of their own (refused, disabled, … – retried with a backoff
 * while polling keeps the list current), and customers withdrawn from the pick list by a
 * deactivation are told apart from customers deleted in Tripletex.
 */
export class WebhookStates1765152000300 implements MigrationInterface {
  name = 'WebhookStates1765152000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "sync_states" ADD COLUMN "webhook_status" character varying(16) NOT NULL DEFAULT 'NONE',
        ADD COLUMN "webhook_detail" text, ADD COLUMN "webhook_checked_at" TIMESTAMP WITH TIME ZONE,
        ADD COLUMN "webhook_retry_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN "webhook_failures" integer NOT NULL DEFAULT 0`,
    );
    // Rows from before: what they had is what they are.
    await q.query(
      `UPDATE "sync_states" SET "webhook_status" = CASE
         WHEN "needs_unsubscription" THEN 'DELETING'
         WHEN "needs_subscription" THEN 'PENDING'
         WHEN "subscription_ids" <> '{}'::jsonb THEN 'ACTIVE'
         ELSE 'NONE' END, "webhook_checked_at" = "subscribed_at"`,
    );
    await q.query(`ALTER TABLE "customers" ADD COLUMN "withdrawn_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customers" DROP COLUMN "withdrawn_at"`);
    await q.query(
      `ALTER TABLE "sync_states" DROP COLUMN "webhook_failures", DROP COLUMN "webhook_retry_at",
        DROP COLUMN "webhook_checked_at", DROP COLUMN "webhook_detail", DROP COLUMN "webhook_status"`,
    );
  }
}
