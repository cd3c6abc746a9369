import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerSync1764028800300 implements MigrationInterface {
  name = 'CustomerSync1764028800300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "customers" (
        "company_id" varchar(64) NOT NULL,
        "customer_id" integer NOT NULL,
        "version" integer NOT NULL,
        "customer_number" integer,
        "name" text NOT NULL,
        "organization_number" varchar(32),
        "email" text,
        "invoice_email" text,
        "phone_number_mobile" varchar(32),
        "is_inactive" boolean NOT NULL,
        "is_private_individual" boolean NOT NULL DEFAULT false,
        "invoices_due_in" integer,
        "invoices_due_in_type" varchar(20),
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        "seen_generation" integer NOT NULL DEFAULT 0,
        "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_customers" PRIMARY KEY ("company_id", "customer_id")
      )`);
    await q.query(`CREATE INDEX "ix_customers_company_name" ON "customers" ("company_id", "name")`);
    await q.query(
      `CREATE INDEX "ix_customers_company_number" ON "customers" ("company_id", "customer_number")`,
    );
    await q.query(`
      CREATE TABLE "sync_states" (
        "company_id" varchar(64) NOT NULL,
        "active" boolean NOT NULL,
        "tripletex_company_id" integer,
        "token_key_id" varchar(32),
        "token_ciphertext" text,
        "webhook_secrets" jsonb,
        "subscription_ids" jsonb NOT NULL DEFAULT '{}',
        "needs_subscription" boolean NOT NULL DEFAULT false,
        "needs_unsubscription" boolean NOT NULL DEFAULT false,
        "subscribed_at" TIMESTAMP WITH TIME ZONE,
        "full_sync_status" varchar(10) NOT NULL DEFAULT 'IDLE',
        "full_sync_generation" integer NOT NULL DEFAULT 0,
        "full_sync_inactive_pass" boolean NOT NULL DEFAULT false,
        "full_sync_from" integer NOT NULL DEFAULT 0,
        "full_sync_pages" integer NOT NULL DEFAULT 0,
        "full_sync_customers" integer NOT NULL DEFAULT 0,
        "full_sync_started_at" TIMESTAMP WITH TIME ZONE,
        "full_sync_finished_at" TIMESTAMP WITH TIME ZONE,
        "changed_since_cursor" TIMESTAMP WITH TIME ZONE,
        "changed_since_run_at" TIMESTAMP WITH TIME ZONE,
        "last_error" text,
        "last_error_at" TIMESTAMP WITH TIME ZONE,
        "retry_at" TIMESTAMP WITH TIME ZONE,
        "failures" integer NOT NULL DEFAULT 0,
        CONSTRAINT "pk_sync_states" PRIMARY KEY ("company_id")
      )`);
    await q.query(`
      CREATE TABLE "webhook_deliveries" (
        "company_id" varchar(64) NOT NULL,
        "idempotency_key" varchar(100) NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("company_id", "idempotency_key")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "sync_states"`);
    await q.query(`DROP TABLE "customers"`);
  }
}
