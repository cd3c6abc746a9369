import type {
  CheckoutCompletedV1,
  InvoiceRetryCause,
  InvoiceStatus,
} from '@pos-tripletex/contracts';
import { int64AsNumber } from '@pos-tripletex/platform';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const RequestKinds = { INVOICE: 'INVOICE', CREDIT_NOTE: 'CREDIT_NOTE' } as const;
export type RequestKind = (typeof RequestKinds)[keyof typeof RequestKinds];

/** UNDECIDED: the company's settings had not arrived when the checkout did; decided on processing. */
export const RequestModes = {
  SINGLE: 'SINGLE',
  COLLECTIVE: 'COLLECTIVE',
  UNDECIDED: 'UNDECIDED',
} as const;
export type RequestMode = (typeof RequestModes)[keyof typeof RequestModes];

/**
 * The statuses of an invoice request: the contract's invoice statuses (invoicing.invoice-status.v1
 * tells the POS each of them) and IN_FLIGHT, which stays inside the service (a worker holds the
 * request's lease).
 */
export type RequestStatus = InvoiceStatus | 'IN_FLIGHT';
export const RequestStatuses = {
  PENDING: 'PENDING',
  IN_FLIGHT: 'IN_FLIGHT',
  ORDERED: 'ORDERED',
  INVOICED: 'INVOICED',
  CREDITED: 'CREDITED',
  FAILED: 'FAILED',
} as const satisfies { [S in RequestStatus]: S };

/**
 * One checkout paid by invoice (or the refund of one), from intent to result. The row is written
 * before Tripletex is called; a retry looks for the earlier result in Tripletex (by the marker the
 * order carries) before creating anything again.
 */
@Entity({ name: 'invoice_requests' })
@Index('ix_invoice_requests_due', ['status', 'nextAttemptAt'])
@Index('ix_invoice_requests_company_customer', ['companyId', 'customerId'])
@Index('ix_invoice_requests_company_day', ['companyId', 'businessDay'])
@Index('ix_invoice_requests_in_flight', ['companyId', 'leaseUntil'], {
  where: `"status" = '${RequestStatuses.IN_FLIGHT}'`,
})
@Index('ix_invoice_requests_collective_open', ['companyId', 'customerId', 'businessDay'], {
  where: `"status" = '${RequestStatuses.ORDERED}' AND "mode" = '${RequestModes.COLLECTIVE}' AND "collective_run_id" IS NULL`,
})
@Index('ix_invoice_requests_failed', ['companyId', 'retryOn', 'customerId'], {
  where: `"status" = '${RequestStatuses.FAILED}'`,
})
export class InvoiceRequestEntity {
  /** The checkout's eventId: one request per checkout, however often it is delivered. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_invoice_requests' })
  checkoutEventId!: string;

  @Column({ type: 'varchar', length: 64 })
  companyId!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: RequestKind;

  @Column({ type: 'varchar', length: 12 })
  mode!: RequestMode;

  @Column({ type: 'varchar', length: 12 })
  status!: RequestStatus;

  @Column({ type: 'bigint', transformer: int64AsNumber })
  customerId!: number;

  @Column({ type: 'text', nullable: true })
  customerName!: string | null;

  @Column({ type: 'varchar', length: 32 })
  receiptNumber!: string;

  @Column({ type: 'varchar', length: 64 })
  locationId!: string;

  @Column({ type: 'date' })
  businessDay!: string;

  /** Gross total of the checkout in øre (negative for a refund). */
  @Column({ type: 'bigint' })
  totalGross!: string;

  /** The checkout as received (for the pro forma receipt and for building the order). */
  @Column({ type: 'jsonb' })
  checkout!: CheckoutCompletedV1;

  /** A refund: the checkout whose invoice it credits. */
  @Column({ type: 'uuid', nullable: true })
  refundOf!: string | null;

  /** Written into the order's invoice comment; how a retry finds an earlier result in Tripletex. */
  @Column({ type: 'varchar', length: 100 })
  marker!: string;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  orderId!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  invoiceId!: number | null;

  @Column({ type: 'integer', nullable: true })
  invoiceNumber!: number | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  kid!: string | null;

  /** Invoice (or credit note) amount in øre as Tripletex computed it. */
  @Column({ type: 'bigint', nullable: true })
  invoiceAmount!: string | null;

  /** A collective invoice: the run that invoiced this order. */
  @Column({ type: 'bigint', nullable: true })
  collectiveRunId!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** While IN_FLIGHT: after this the attempt is presumed dead and retried (with a look-up first). */
  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** The claim holding the request while IN_FLIGHT: only its worker may record the outcome. */
  @Column({ type: 'uuid', nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  failureCode!: string | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** A collective sale refunded in full before it was invoiced: the refund that removed its order. */
  @Column({ type: 'uuid', nullable: true })
  creditedBy!: string | null;

  /** FAILED: what takes it up again on its own (RETRY_ON in invoicing.errors.ts); null: an operator. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  retryOn!: InvoiceRetryCause | null;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
