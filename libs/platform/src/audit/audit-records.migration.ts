import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit_records table, in the schema of each service that lists this migration. */
export class AuditRecords1765843200000 implements MigrationInterface {
  name = 'AuditRecords1765843200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_records" (
        "id" BIGSERIAL NOT NULL,
        "company_id" varchar(64) NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "actor_kind" varchar(16) NOT NULL,
        "actor" text NOT NULL,
        "action" varchar(100) NOT NULL,
        "target" text,
        "before" jsonb,
        "after" jsonb,
        "correlation_id" varchar(200),
        CONSTRAINT "pk_audit_records" PRIMARY KEY ("id"),
        CONSTRAINT "ck_audit_records_actor_kind" CHECK ("actor_kind" IN ('USER', 'SYSTEM'))
      )`);
    await q.query(
      `CREATE INDEX "ix_audit_records_company" ON "audit_records" ("company_id", "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_records"`);
  }
}
