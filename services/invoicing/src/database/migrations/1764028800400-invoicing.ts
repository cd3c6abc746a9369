import { MigrationInterface, QueryRunner } from 'typeorm';

export class Invoicing1764028800400 implements MigrationInterface {
  name = 'Invoicing1764028800400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "invoice_requests" (
        "checkout_event_id" uuid NOT NULL,
        "company_id" varchar(64) NOT NULL,
        "kind" varchar(12) NOT NULL,
        "mode" varchar(12) NOT NULL,
        "status" varchar(12) NOT NULL,
        "customer_id" integer NOT NULL,
        "customer_name" text,
        "receipt_number" varchar(32) NOT NULL,
        "location_id" varchar(64) NOT NULL,
        "business_day" date NOT NULL,
        "total_gross" bigint NOT NULL,
        "checkout" jsonb NOT NULL,
        "refund_of" uuid,
        "marker" varchar(100) NOT NULL,
        "order_id" integer,
        "invoice_id" integer,
        "invoice_number" integer,
        "kid" varchar(40),
        "invoice_amount" bigint,
        "collective_run_id" bigint,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "lease_until" TIMESTAMP WITH TIME ZONE,
        "failure_code" varchar(64),
        "last_error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_invoice_requests" PRIMARY KEY ("checkout_event_id")
      )`);
    await q.query(
      `CREATE INDEX "ix_invoice_requests_due" ON "invoice_requests" ("status", "next_attempt_at")`,
    );
    await q.query(
      `CREATE INDEX "ix_invoice_requests_company_customer" ON "invoice_requests" ("company_id", "customer_id")`,
    );
    await q.query(
      `CREATE INDEX "ix_invoice_requests_company_day" ON "invoice_requests" ("company_id", "business_day")`,
    );
    await q.query(`
      CREATE TABLE "collective_runs" (
        "id" BIGSERIAL NOT NULL,
        "company_id" varchar(64) NOT NULL,
        "customer_id" integer NOT NULL,
        "order_ids" jsonb NOT NULL,
        "invoice_date" date NOT NULL,
        "status" varchar(12) NOT NULL,
        "invoice_id" integer,
        "invoice_number" integer,
        "kid" varchar(40),
        "amount" bigint,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_collective_runs" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "ix_collective_runs_company_status" ON "collective_runs" ("company_id", "status")`,
    );
    await q.query(`
      CREATE TABLE "collective_schedules" (
        "company_id" varchar(64) NOT NULL,
        "last_run_on" date NOT NULL,
        CONSTRAINT "pk_collective_schedules" PRIMARY KEY ("company_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "collective_schedules"`);
    await q.query(`DROP TABLE "collective_runs"`);
    await q.query(`DROP TABLE "invoice_requests"`);
  }
}
