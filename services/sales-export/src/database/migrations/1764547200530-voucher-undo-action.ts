import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a re-export undid a voucher: REVERSED (a reversal voucher in Tripletex) or DELETED (it was
 * still waiting for approval, and Tripletex deletes such a voucher instead of reversing it).
 */
export class VoucherUndoAction1764547200530 implements MigrationInterface {
  name = 'VoucherUndoAction1764547200530';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "vouchers" ADD COLUMN "undo_action" varchar(8)`);
    await q.query(
      `UPDATE "vouchers" SET "undo_action" = 'REVERSED' WHERE "kind" = 'REVERSAL' AND "status" = 'POSTED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "vouchers" DROP COLUMN "undo_action"`);
  }
}
