import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { ID64, IsRfc3339WithOffset, IsSafeInteger } from './validators';

export const INVOICE_STATUSES = ['PENDING', 'ORDERED', 'INVOICED', 'CREDITED', 'FAILED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/**
 * What retries a FAILED request on its own: the company registers a bank account number
 * (BANK_ACCOUNT), the customer changes in Tripletex (CUSTOMER: activated, or given the missing
 * data), the integration's settings change (SETTINGS: active again, invoicing on, a new token).
 * Without it only an operator's retry helps.
 */
export const INVOICE_RETRY_CAUSES = ['BANK_ACCOUNT', 'CUSTOMER', 'SETTINGS'] as const;
export type InvoiceRetryCause = (typeof INVOICE_RETRY_CAUSES)[number];

/**
 * invoicing.invoice-status.v1 (key = companyId): what became of a checkout paid by invoice.
 * PENDING (accepted; taken up again after a failure; or waiting, with `reason` saying for what:
 * e.g. the integration needs attention), ORDERED (collective invoicing: an order waits for the next
 * run), INVOICED (with invoice number, KID and amount in øre), CREDITED (a refund's credit note),
 * FAILED (with the reason in plain words, e.g. Tripletex's own message, and `retryOn`). A FAILED
 * sale is in no book until it is retried: its invoice would book it, the day voucher leaves it out.
 */
export class InvoiceStatusV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  /** The checkout's eventId. */
  @IsUUID('all')
  checkoutEventId!: string;

  @IsString()
  receiptNumber!: string;

  @IsIn(INVOICE_STATUSES)
  status!: InvoiceStatus;

  @Min(1)
  @IsSafeInteger()
  @IsOptional()
  invoiceNumber?: number;

  @IsString()
  @IsOptional()
  kid?: string;

  /** Invoice (or credit note) amount in øre, VAT included. */
  @IsSafeInteger()
  @IsOptional()
  amount?: number;

  @Min(1)
  @IsSafeInteger()
  @IsOptional()
  invoiceId?: number;

  @Min(1)
  @IsSafeInteger()
  @IsOptional()
  orderId?: number;

  /** Stable code of a failure (e.g. INVOICING.CUSTOMER_INACTIVE). */
  @IsString()
  @IsOptional()
  code?: string;

  @MaxLength(2000)
  @IsString()
  @IsOptional()
  reason?: string;

  /**
   * FAILED: what retries it on its own (absent: only an operator's retry,
   * `POST …/invoices/{checkoutEventId}/retry`). PENDING: absent.
   */
  @IsIn(INVOICE_RETRY_CAUSES)
  @IsOptional()
  retryOn?: InvoiceRetryCause;

  @IsRfc3339WithOffset()
  changedAt!: string;
}
