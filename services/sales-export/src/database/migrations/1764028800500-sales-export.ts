import { MigrationInterface, QueryRunner } from 'typeorm';

export class SalesExport1764028800500 implements MigrationInterface {
  name = 'SalesExport1764028800500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "sales" (
        "event_id" uuid NOT NULL,
        "company_id" varchar(64) NOT NULL,
        "location_id" varchar(64) NOT NULL,
        "business_day" date NOT NULL,
        "receipt_number" varchar(32) NOT NULL,
        "kind" varchar(8) NOT NULL,
        "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "invoiced" boolean NOT NULL,
        "total_gross" bigint NOT NULL,
        "tip" bigint NOT NULL,
        "rounding" bigint NOT NULL,
        "lines" jsonb NOT NULL,
        "payments" jsonb NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_sales" PRIMARY KEY ("event_id")
      )`);
    await q.query(
      `CREATE INDEX "ix_sales_day" ON "sales" ("company_id", "location_id", "business_day")`,
    );
    await q.query(`
      CREATE TABLE "days" (
        "company_id" varchar(64) NOT NULL,
        "location_id" varchar(64) NOT NULL,
        "business_day" date NOT NULL,
        "status" varchar(16) NOT NULL,
        "checkouts" integer NOT NULL DEFAULT 0,
        "revision" integer NOT NULL DEFAULT 0,
        "exported_revision" integer NOT NULL DEFAULT 0,
        "first_receipt" varchar(32),
        "last_receipt" varchar(32),
        "first_sale_at" TIMESTAMP WITH TIME ZONE,
        "last_sale_at" TIMESTAMP WITH TIME ZONE,
        "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "closed_by" varchar(12),
        "z_checkout_count" integer,
        "z_total_gross" bigint,
        "z_received_at" TIMESTAMP WITH TIME ZONE,
        "reexport_requested_at" TIMESTAMP WITH TIME ZONE,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "lease_until" TIMESTAMP WITH TIME ZONE,
        "failure_code" varchar(64),
        "last_error" text,
        "unmapped" jsonb,
        "posted_gross" bigint NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_days" PRIMARY KEY ("company_id", "location_id", "business_day")
      )`);
    await q.query(`CREATE INDEX "ix_days_due" ON "days" ("status", "next_attempt_at")`);
    await q.query(`CREATE INDEX "ix_days_company_day" ON "days" ("company_id", "business_day")`);
    await q.query(`
      CREATE TABLE "vouchers" (
        "id" uuid NOT NULL,
        "company_id" varchar(64) NOT NULL,
        "location_id" varchar(64) NOT NULL,
        "business_day" date NOT NULL,
        "seq" integer NOT NULL,
        "kind" varchar(12) NOT NULL,
        "status" varchar(12) NOT NULL,
        "external_number" varchar(70) NOT NULL,
        "reverses_id" uuid,
        "reversed_by_id" uuid,
        "totals" jsonb NOT NULL,
        "body" jsonb,
        "day_revision" integer NOT NULL,
        "send_to_ledger" boolean NOT NULL,
        "tripletex_id" integer,
        "tripletex_number" integer,
        "tripletex_year" integer,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "posted_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "uq_vouchers_day_seq" UNIQUE ("company_id", "location_id", "business_day", "seq"),
        CONSTRAINT "uq_vouchers_external" UNIQUE ("company_id", "external_number"),
        CONSTRAINT "pk_vouchers" PRIMARY KEY ("id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "vouchers"`);
    await q.query(`DROP TABLE "days"`);
    await q.query(`DROP TABLE "sales"`);
  }
}
