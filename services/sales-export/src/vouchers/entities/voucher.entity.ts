import { int64AsNumber } from '@pos-tripletex/platform';
import type { VoucherKind } from '@pos-tripletex/contracts';
import type { Voucher } from '@pos-tripletex/tripletex';
import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { DayTotals } from '../day-totals';

/** PENDING: recorded, maybe in Tripletex; POSTED: in Tripletex; ABANDONED: Tripletex refused it. */
export const VoucherStatuses = {
  PENDING: 'PENDING',
  POSTED: 'POSTED',
  ABANDONED: 'ABANDONED',
} as const;
export type VoucherState = (typeof VoucherStatuses)[keyof typeof VoucherStatuses];

/**
 * A voucher for a day, recorded (PENDING, with the exact body) before Tripletex is called. A retry
 * after a crash looks it up by its external number (or, for a reversal, on the reversed voucher)
 * and only posts what is not there. Vouchers in effect: POSTED, not a reversal, not reversed.
 */
@Entity({ name: 'vouchers' })
@Unique('uq_vouchers_day_seq', ['companyId', 'locationId', 'businessDay', 'seq'])
@Unique('uq_vouchers_external', ['companyId', 'externalNumber'])
export class VoucherEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_vouchers' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  companyId!: string;

  @Column({ type: 'varchar', length: 64 })
  locationId!: string;

  @Column({ type: 'date' })
  businessDay!: string;

  /** 0 for the day's first voucher, then 1, 2, … (part of the external number). */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 12 })
  kind!: VoucherKind;

  @Column({ type: 'varchar', length: 12 })
  status!: VoucherState;

  @Column({ type: 'varchar', length: 70 })
  externalNumber!: string;

  /** A reversal: the voucher (ours) it reverses. */
  @Column({ type: 'uuid', nullable: true })
  reversesId!: string | null;

  /** Reversed by this reversal (ours). */
  @Column({ type: 'uuid', nullable: true })
  reversedById!: string | null;

  /** What the voucher accounts for, in the sales' own terms (a reversal: the negated original). */
  @Column({ type: 'jsonb' })
  totals!: DayTotals;

  /** The Tripletex voucher as sent (null for a reversal, which Tripletex builds itself). */
  @Column({ type: 'jsonb', nullable: true })
  body!: Voucher | null;

  /** The day's revision the totals were computed at. */
  @Column({ type: 'integer' })
  dayRevision!: number;

  @Column({ type: 'boolean' })
  sendToLedger!: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  tripletexId!: number | null;

  @Column({ type: 'integer', nullable: true })
  tripletexNumber!: number | null;

  @Column({ type: 'integer', nullable: true })
  tripletexYear!: number | null;

  /** A reversal: how the voucher was undone in Tripletex (DELETED: it was still awaiting approval). */
  @Column({ type: 'varchar', length: 8, nullable: true })
  undoAction!: 'REVERSED' | 'DELETED' | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  postedAt!: Date | null;
}
