import { MigrationInterface, QueryRunner } from 'typeorm';

/** The company_settings replica, in the schema of each service that lists this migration. */
export class CompanySettings1764028800100 implements MigrationInterface {
  name = 'CompanySettings1764028800100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "company_settings" (
        "company_id" varchar(64) NOT NULL,
        "version" integer NOT NULL,
        "status" varchar(32) NOT NULL,
        "config" jsonb NOT NULL,
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_company_settings" PRIMARY KEY ("company_id")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "company_settings"`);
  }
}
