import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { INVOICE_RETRY_CAUSES, type InvoiceRetryCause } from '@pos-tripletex/contracts';
import { PageOf } from '@pos-tripletex/platform';
import { RunStatuses } from '../../collective/entities/collective-run.entity';
import {
  RequestKind,
  RequestKinds,
  RequestMode,
  RequestModes,
  RequestStatus,
  RequestStatuses,
} from '../entities/invoice-request.entity';

// What the Invoices API answers with, as the OpenAPI documents describe it. Amounts in øre.

const OERE = { type: 'integer', description: 'øre' } as const;
const NULLABLE_INT = { type: 'integer', nullable: true } as const;
const TEXT = { type: String, nullable: true } as const;

/** What became of one checkout charged by invoice. */
@ApiSchema({ name: 'InvoiceRequest' })
export class InvoiceRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The checkout event (pos.checkout.completed.v1).' })
  checkoutEventId!: string;

  @ApiProperty({ enum: Object.values(RequestKinds), enumName: 'InvoiceRequestKind' })
  kind!: RequestKind;

  @ApiProperty({ enum: Object.values(RequestModes), enumName: 'InvoiceRequestMode' })
  mode!: RequestMode;

  @ApiProperty({
    enum: Object.values(RequestStatuses),
    enumName: 'InvoiceRequestStatus',
    example: 'INVOICED',
  })
  status!: RequestStatus;

  @ApiProperty({ type: 'integer', description: 'Tripletex customer id.' })
  customerId!: number;

  @ApiProperty(TEXT)
  customerName!: string | null;

  @ApiProperty({ example: '100045' })
  receiptNumber!: string;

  @ApiProperty({ example: 'storgata' })
  locationId!: string;

  @ApiProperty({ format: 'date', example: '2026-11-01' })
  businessDay!: string;

  @ApiProperty(OERE)
  totalGross!: number;

  @ApiProperty(NULLABLE_INT)
  orderId!: number | null;

  @ApiProperty(NULLABLE_INT)
  invoiceId!: number | null;

  @ApiProperty(NULLABLE_INT)
  invoiceNumber!: number | null;

  @ApiProperty({ ...TEXT, description: 'The KID the customer pays with.' })
  kid!: string | null;

  @ApiProperty({ ...NULLABLE_INT, description: 'The invoice amount Tripletex made (øre).' })
  invoiceAmount!: number | null;

  @ApiProperty(TEXT)
  failureCode!: string | null;

  @ApiProperty({
    type: String,
    enum: INVOICE_RETRY_CAUSES,
    nullable: true,
    description: 'What a waiting request is tried again on (a fix in Tripletex or the settings).',
  })
  retryOn!: InvoiceRetryCause | null;

  @ApiProperty({ ...TEXT, description: 'Why it failed or waits (FAILED, PENDING).' })
  reason!: string | null;

  @ApiProperty({ type: 'integer' })
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

@ApiSchema({ name: 'InvoiceRequestPage' })
export class InvoiceRequestPageDto extends PageOf(InvoiceRequestDto) {}

/** One business day at one location: its sales charged by invoice. */
@ApiSchema({ name: 'InvoiceDay' })
export class InvoiceDayDto {
  @ApiProperty({ format: 'date' })
  businessDay!: string;

  @ApiProperty()
  locationId!: string;

  @ApiProperty({ type: 'integer', description: 'Sales charged by invoice (refunds apart).' })
  sales!: number;

  @ApiProperty({ type: 'integer' })
  invoiced!: number;

  @ApiProperty({ type: 'integer', description: 'Collective orders waiting for their run.' })
  ordered!: number;

  @ApiProperty({ type: 'integer' })
  pending!: number;

  @ApiProperty({ type: 'integer' })
  failed!: number;

  @ApiProperty({ type: 'integer', description: 'pending + failed: sales in no book yet.' })
  notInvoiced!: number;

  @ApiProperty({ type: 'integer' })
  refunds!: number;

  @ApiProperty({ type: 'integer' })
  refundsNotCredited!: number;

  @ApiProperty({ example: '2 invoiced sales not invoiced (1 failed, 1 pending)' })
  summary!: string;
}

@ApiSchema({ name: 'InvoiceDays' })
export class InvoiceDaysDto {
  @ApiProperty({ type: [InvoiceDayDto] })
  values!: InvoiceDayDto[];
}

export class ReceiptCustomerDto {
  @ApiProperty({ type: 'integer' })
  id!: number;

  @ApiProperty(TEXT)
  name!: string | null;
}

export class ReceiptLineDto {
  @ApiProperty({ example: 'Lunsj' })
  description!: string;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiProperty(OERE)
  unitPriceGross!: number;

  @ApiProperty(OERE)
  discountGross!: number;

  @ApiProperty(OERE)
  totalGross!: number;

  @ApiProperty({ enum: [25, 15, 12, 0], example: 25 })
  vatRate!: number;
}

export class VatAmountDto {
  @ApiProperty({ example: 25 })
  rate!: number;

  @ApiProperty(OERE)
  net!: number;

  @ApiProperty(OERE)
  vat!: number;

  @ApiProperty(OERE)
  gross!: number;
}

export class ReceiptTotalsDto {
  @ApiProperty(OERE)
  net!: number;

  @ApiProperty(OERE)
  vat!: number;

  @ApiProperty(OERE)
  gross!: number;
}

export class ReceiptInvoiceDto {
  @ApiProperty({ enum: Object.values(RequestStatuses), enumName: 'InvoiceRequestStatus' })
  status!: string;

  @ApiProperty(NULLABLE_INT)
  invoiceNumber!: number | null;

  @ApiProperty(TEXT)
  kid!: string | null;
}

/** A pro forma receipt of a checkout charged by invoice (format=json). */
@ApiSchema({ name: 'ProFormaReceipt' })
export class ProFormaReceiptDto {
  @ApiProperty({ enum: ['PRO FORMA'] })
  title!: 'PRO FORMA';

  @ApiProperty()
  receiptNumber!: string;

  @ApiProperty({ format: 'date' })
  businessDay!: string;

  @ApiProperty()
  locationId!: string;

  @ApiProperty({ type: ReceiptCustomerDto })
  customer!: ReceiptCustomerDto;

  @ApiProperty(TEXT)
  reference!: string | null;

  @ApiProperty(TEXT)
  comment!: string | null;

  @ApiProperty({ type: [ReceiptLineDto] })
  lines!: ReceiptLineDto[];

  @ApiProperty(OERE)
  tip!: number;

  @ApiProperty({ type: [VatAmountDto], description: 'VAT per rate, highest first.' })
  vat!: VatAmountDto[];

  @ApiProperty({ type: ReceiptTotalsDto })
  totals!: ReceiptTotalsDto;

  @ApiProperty({ type: ReceiptInvoiceDto })
  invoice!: ReceiptInvoiceDto;
}

/** A customer's open orders, as the next collective run would invoice them. */
export class OpenOrdersDto {
  @ApiProperty({ type: 'integer' })
  customerId!: number;

  @ApiProperty(TEXT)
  customerName!: string | null;

  @ApiProperty({ type: 'integer' })
  orders!: number;

  @ApiProperty(OERE)
  totalGross!: number;

  @ApiProperty({ type: [String], description: 'The checkouts (event ids) on the orders.' })
  checkouts!: string[];
}

@ApiSchema({ name: 'CollectivePreview' })
export class CollectivePreviewDto {
  @ApiProperty({ format: 'date', description: 'Orders of business days up to this one.' })
  upTo!: string;

  @ApiProperty({ type: [OpenOrdersDto] })
  customers!: OpenOrdersDto[];
}

export class RunResultDto {
  @ApiProperty({ type: 'integer' })
  customerId!: number;

  @ApiProperty({
    enum: [RunStatuses.PENDING, RunStatuses.DONE, RunStatuses.FAILED],
    enumName: 'CollectiveRunStatus',
    description: 'PENDING: still being invoiced when answered (see the invoice-status events).',
  })
  status!: 'PENDING' | 'DONE' | 'FAILED';

  @ApiPropertyOptional({ type: 'integer' })
  invoiceNumber?: number;

  @ApiProperty({ type: 'integer' })
  orders!: number;

  @ApiPropertyOptional()
  error?: string;
}

@ApiSchema({ name: 'CollectiveRun' })
export class CollectiveRunDto {
  @ApiProperty({ type: [RunResultDto], description: 'One result per customer invoiced.' })
  results!: RunResultDto[];
}
