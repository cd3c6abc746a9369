import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * integration.alerts.v1 kept per company: one row per cause (company_id, alert_key), its current
 * occurrence (src/alerts/alert-rules.ts).
 */
export class Alerts1796169600200 implements MigrationInterface {
  name = 'Alerts1796169600200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "alerts" (
      "company_id" varchar(64) NOT NULL,
      "alert_key" varchar(200) NOT NULL,
      "kind" varchar(40) NOT NULL,
      "severity" varchar(16) NOT NULL,
      "state" varchar(16) NOT NULL CHECK ("state" IN ('OPEN', 'RESOLVED')),
      "title" varchar(200) NOT NULL,
      "message" text NOT NULL,
      "details" jsonb,
      "source" varchar(64) NOT NULL,
      "opened_at" timestamptz NOT NULL,
      "last_seen_at" timestamptz NOT NULL,
      "count" integer NOT NULL CHECK ("count" >= 1),
      "occurrences" integer NOT NULL CHECK ("occurrences" >= 1),
      "resolved_at" timestamptz,
      "resolution" text,
      "last_event_at" timestamptz NOT NULL,
      CONSTRAINT "PK_alerts" PRIMARY KEY ("company_id", "alert_key")
    )`);
    await q.query(
      `CREATE INDEX "IDX_alerts_company_state_seen" ON "alerts" ("company_id", "state", "last_seen_at" DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "alerts"`);
  }
}
