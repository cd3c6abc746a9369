import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A FAILED invoice request records what takes it up again on its own (the bank account number
 * registered, the customer changed, the settings changed); the watchers find them by company,
 * cause and customer. A collective sale whose open order a full refund removed records that
 * refund (credited_by).
 */
export class RetryOn1764547200420 implements MigrationInterface {
  name = 'RetryOn1764547200420';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "invoice_requests" ADD COLUMN "retry_on" character varying(16), ADD COLUMN "credited_by" uuid`,
    );
    await q.query(
      `CREATE INDEX "ix_invoice_requests_failed" ON "invoice_requests" ("company_id", "retry_on", "customer_id") WHERE "status" = 'FAILED'`,
    );
    // Requests that failed before this version: the same causes as RETRY_ON (invoicing.errors.ts).
    await q.query(
      `UPDATE "invoice_requests" SET "retry_on" = CASE
         WHEN "failure_code" = 'INVOICING.NO_BANK_ACCOUNT' THEN 'BANK_ACCOUNT'
         WHEN "failure_code" IN ('INVOICING.CUSTOMER_UNKNOWN', 'INVOICING.CUSTOMER_INACTIVE', 'INVOICING.TRIPLETEX_REFUSED') THEN 'CUSTOMER'
         WHEN "failure_code" IN ('INVOICING.INTEGRATION_NOT_ACTIVE', 'INVOICING.NOT_ENABLED', 'INVOICING.NO_TOKEN', 'INVOICING.MISSING_ACCESS', 'INVOICING.VAT_CODE_MISSING') THEN 'SETTINGS'
       END WHERE "status" = 'FAILED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_invoice_requests_failed"`);
    await q.query(
      `ALTER TABLE "invoice_requests" DROP COLUMN "credited_by", DROP COLUMN "retry_on"`,
    );
  }
}
