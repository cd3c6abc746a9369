import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * How a line is booked beyond its rate: outside the VAT law (VAT code 6 rather than 5 at 0 %), or
 * a gift card sold (the gift-card liability, no VAT). Absent: an ordinary sale.
 */
export const LineTreatments = {
  OUTSIDE_VAT_LAW: 'OUTSIDE_VAT_LAW',
  GIFT_CARD: 'GIFT_CARD',
} as const;
export type LineTreatment = (typeof LineTreatments)[keyof typeof LineTreatments];

/**
 * Revenue of one checkout: product group, VAT rate, takeaway, gross øre, and the treatment when
 * not an ordinary sale (summed per combination; rows stored before treatments have four items).
 */
export type SaleLine =
  | [productGroupId: string, vatRate: number, takeaway: boolean, gross: number]
  | [
      productGroupId: string,
      vatRate: number,
      takeaway: boolean,
      gross: number,
      treatment: LineTreatment,
    ];
/** Payment of one checkout: paymentMethodId, method, øre (summed per payment method id). */
export type SalePayment = [paymentMethodId: string, method: string, amount: number];

/**
 * Every checkout received, reduced to what the accounts need (the event itself stays on Kafka
 * for its retention). One row per eventId, whatever the redeliveries.
 */
@Entity({ name: 'sales' })
@Index('ix_sales_day', ['companyId', 'locationId', 'businessDay'])
export class SaleEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_sales' })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  companyId!: string;

  @Column({ type: 'varchar', length: 64 })
  locationId!: string;

  /** Europe/Oslo business day of completedAt, with the company's cut-off hour when it arrived. */
  @Column({ type: 'date' })
  businessDay!: string;

  @Column({ type: 'varchar', length: 32 })
  receiptNumber!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'SALE' | 'REFUND';

  @Column({ type: 'timestamptz' })
  completedAt!: Date;

  /** Paid by invoice: the Tripletex invoice accounts for it, the daily voucher leaves it out. */
  @Column({ type: 'boolean' })
  invoiced!: boolean;

  /** Σ payments in øre (negative for a refund). */
  @Column({ type: 'bigint' })
  totalGross!: string;

  @Column({ type: 'bigint' })
  tip!: string;

  @Column({ type: 'bigint' })
  rounding!: string;

  @Column({ type: 'jsonb' })
  lines!: SaleLine[];

  @Column({ type: 'jsonb' })
  payments!: SalePayment[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
