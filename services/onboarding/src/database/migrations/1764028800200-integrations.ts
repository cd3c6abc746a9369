import { MigrationInterface, QueryRunner } from 'typeorm';

export class Integrations1764028800200 implements MigrationInterface {
  name = 'Integrations1764028800200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "integrations" (
        "company_id" varchar(64) NOT NULL,
        "status" varchar(20) NOT NULL,
        "status_reason" text,
        "tripletex_company_id" integer,
        "tripletex_company_name" text,
        "tripletex_organization_number" varchar(20),
        "tripletex_employee_id" integer,
        "token_key_id" varchar(32),
        "token_ciphertext" text,
        "token_verified_at" TIMESTAMP WITH TIME ZONE,
        "bank_account_registered" boolean NOT NULL DEFAULT false,
        "start_date" date,
        "day_cutoff_hour" integer NOT NULL DEFAULT 4,
        "payment_methods" jsonb NOT NULL DEFAULT '[]',
        "product_groups" jsonb NOT NULL DEFAULT '[]',
        "product_groups_takeaway" jsonb NOT NULL DEFAULT '[]',
        "other_events" jsonb NOT NULL DEFAULT '[]',
        "invoicing" jsonb NOT NULL,
        "completed_steps" jsonb NOT NULL DEFAULT '[]',
        "config_version" integer NOT NULL DEFAULT 0,
        "activated_at" TIMESTAMP WITH TIME ZONE,
        "reverify_requested_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "row_version" integer NOT NULL,
        CONSTRAINT "pk_integrations" PRIMARY KEY ("company_id"),
        CONSTRAINT "ck_integrations_status" CHECK ("status" IN ('ONBOARDING', 'ACTIVE', 'INACTIVE', 'NEEDS_ATTENTION'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "integrations"`);
  }
}
