import type { DayReconciliationV1, UnmappedItemV1 } from '@pos-tripletex/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DayCloser, DayState, DayStatuses, sqlText } from '../day-statuses';

/**
 * A business day at a location: its sales (counted), whether it is closed, and where its export
 * stands. `revision` grows with every batch of sales for the day; `exportedRevision` is the
 * revision the vouchers so far were computed from. Its status changes only through DayLifecycle.
 */
@Entity({ name: 'days' })
@Index('ix_days_due', ['status', 'nextAttemptAt'])
@Index('ix_days_company_day', ['companyId', 'businessDay'])
@Index('ix_days_open_closes_at', ['closesAt'], {
  where: `"status" = ${sqlText(DayStatuses.OPEN)}`,
})
@Index('ix_days_exporting_company', ['companyId', 'leaseUntil'], {
  where: `"status" = ${sqlText(DayStatuses.EXPORTING)}`,
})
@Index('ix_days_claimable', ['companyId', 'businessDay', 'locationId'], {
  where: `"status" IN (${sqlText(DayStatuses.CLOSED)}, ${sqlText(DayStatuses.EXPORTING)})`,
})
export class DayEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_days' })
  companyId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_days' })
  locationId!: string;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'pk_days' })
  businessDay!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DayState;

  @Column({ type: 'integer', default: 0 })
  checkouts!: number;

  @Column({ type: 'integer', default: 0 })
  revision!: number;

  @Column({ type: 'integer', default: 0 })
  exportedRevision!: number;

  @Column({ type: 'varchar', length: 32, nullable: true })
  firstReceipt!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  lastReceipt!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  firstSaleAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSaleAt!: Date | null;

  /** The cut-off (next morning, Europe/Oslo) plus the grace period: the day closes by itself then. */
  @Column({ type: 'timestamptz' })
  closesAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  closedBy!: DayCloser | null;

  /** From pos.day.closed.v1: what the POS counted (the day waits for that many checkouts). */
  @Column({ type: 'integer', nullable: true })
  zCheckoutCount!: number | null;

  @Column({ type: 'bigint', nullable: true })
  zTotalGross!: string | null;

  /** From pos.day.closed.v1: the cash counted in the drawer (øre). */
  @Column({ type: 'bigint', nullable: true })
  zCountedCash!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  zReceivedAt!: Date | null;

  /** The Z-report against the stored sales, as the last export pass saw it. */
  @Column({ type: 'jsonb', nullable: true })
  reconciliation!: DayReconciliationV1 | null;

  @Column({ type: 'timestamptz', nullable: true })
  reexportRequestedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** The claim holding the day while EXPORTING: only its worker may record the result. */
  @Column({ type: 'uuid', nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  failureCode!: string | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  unmapped!: UnmappedItemV1[] | null;

  /** Σ payments (without invoiced sales) of the day's vouchers in effect, øre. */
  @Column({ type: 'bigint', default: 0 })
  postedGross!: string;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
