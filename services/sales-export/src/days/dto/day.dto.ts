import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { UNMAPPED_KINDS, VOUCHER_KINDS } from '@pos-tripletex/contracts';
import { PageOf } from '@pos-tripletex/platform';
import { DayClosers, DayStatuses } from '../day-statuses';
import { VoucherStatuses } from '../../vouchers/entities/voucher.entity';

// What the BackOffice API answers with, as the OpenAPI documents describe it (day.view.ts makes
// them). Amounts are in øre.

const DAY_STATES = Object.values(DayStatuses);
const OERE = { type: 'integer', description: 'øre' } as const;
const OERE_BY_KEY = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  example: { card: 125000 },
} as const;

@ApiSchema({ name: 'UnmappedItem' })
export class UnmappedItemDto {
  @ApiProperty({ enum: UNMAPPED_KINDS, enumName: 'UnmappedKind', example: 'PRODUCT_GROUP' })
  kind!: string;

  @ApiProperty({
    example: 'food',
    description:
      'paymentMethodId, productGroupId (with takeaway and vatRate), the other event, or a locationId without a department where an account requires one.',
  })
  id!: string;

  @ApiPropertyOptional()
  takeaway?: boolean;

  @ApiPropertyOptional({ enum: [25, 15, 12, 0], example: 15 })
  vatRate?: number;
}

@ApiSchema({ name: 'DayReconciliation' })
export class ReconciliationDto {
  @ApiPropertyOptional({ type: 'integer', description: 'Checkouts the Z-report counted.' })
  zCheckoutCount?: number;

  @ApiProperty({ type: 'integer', description: 'Checkouts stored (also those invoiced).' })
  checkouts!: number;

  @ApiPropertyOptional(OERE)
  zTotalGross?: number;

  @ApiProperty(OERE)
  salesGross!: number;

  @ApiPropertyOptional(OERE)
  countedCash?: number;

  @ApiProperty(OERE)
  expectedCash!: number;

  @ApiPropertyOptional({ ...OERE, description: 'counted − expected, øre (negative: short).' })
  cashDifference?: number;

  @ApiProperty({
    type: [String],
    description: 'What does not agree, in plain words (empty: everything does).',
  })
  mismatches!: string[];
}

@ApiSchema({ name: 'DayTotals' })
export class DayTotalsDto {
  @ApiProperty({ ...OERE_BY_KEY, description: 'paymentMethodId → Σ payments (øre).' })
  payments!: Record<string, number>;

  @ApiProperty({
    ...OERE_BY_KEY,
    example: { 'food:25': 98000 },
    description: 'revenue key → Σ line totals, VAT included (øre).',
  })
  revenue!: Record<string, number>;

  @ApiProperty(OERE)
  tips!: number;

  @ApiProperty(OERE)
  rounding!: number;

  @ApiProperty(OERE)
  giftCardsSold!: number;

  @ApiProperty({ ...OERE_BY_KEY, description: 'paymentMethodId → counted − expected (øre).' })
  cashDifference!: Record<string, number>;
}

@ApiSchema({ name: 'Voucher' })
export class VoucherDto {
  @ApiProperty({ type: 'integer', example: 1 })
  seq!: number;

  @ApiProperty({ enum: VOUCHER_KINDS, enumName: 'VoucherKind' })
  kind!: string;

  @ApiProperty({ enum: Object.values(VoucherStatuses), enumName: 'VoucherStatus' })
  status!: string;

  @ApiProperty({ example: 'POS-acme-42-storgata-2026-11-01-1' })
  externalVoucherNumber!: string;

  @ApiProperty({ type: 'integer', nullable: true })
  tripletexVoucherId!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  number!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  year!: number | null;

  @ApiProperty()
  sentToLedger!: boolean;

  @ApiProperty()
  reversed!: boolean;

  @ApiProperty({ type: String, enum: ['REVERSED', 'DELETED'], nullable: true })
  undoAction!: 'REVERSED' | 'DELETED' | null;

  @ApiProperty({ type: DayTotalsDto })
  totals!: DayTotalsDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  postedAt!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;
}

export class ReceiptRangeDto {
  @ApiProperty({ type: String, nullable: true })
  first!: string | null;

  @ApiProperty({ type: String, nullable: true })
  last!: string | null;
}

export class ZReportDto {
  @ApiProperty({ type: 'integer', nullable: true })
  checkoutCount!: number | null;

  @ApiProperty({ ...OERE, nullable: true })
  totalGross!: number | null;

  @ApiProperty({ ...OERE, nullable: true })
  countedCash!: number | null;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt!: Date;
}

@ApiSchema({ name: 'Day' })
export class DayDto {
  @ApiProperty({ example: 'storgata' })
  locationId!: string;

  @ApiProperty({ format: 'date', example: '2026-11-01' })
  businessDay!: string;

  @ApiProperty({ enum: DAY_STATES, enumName: 'DayStatus', example: 'POSTED' })
  status!: string;

  @ApiProperty({ description: 'false: before the start date (or none set), never exported.' })
  exported!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why it is not exported.' })
  note!: string | null;

  @ApiProperty({ type: 'integer' })
  checkouts!: number;

  @ApiProperty({ type: ReceiptRangeDto })
  receipts!: ReceiptRangeDto;

  @ApiProperty({ type: String, format: 'date-time' })
  closesAt!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt!: Date | null;

  @ApiProperty({
    type: String,
    enum: Object.values(DayClosers),
    nullable: true,
    description: 'What closed the day.',
  })
  closedBy!: string | null;

  @ApiProperty({ type: ZReportDto, nullable: true })
  zReport!: ZReportDto | null;

  @ApiProperty({ type: ReconciliationDto, nullable: true })
  reconciliation!: ReconciliationDto | null;

  @ApiProperty({ ...OERE, description: 'Gross the vouchers in effect debit (øre).' })
  postedGross!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  failureCode!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or waits.' })
  reason!: string | null;

  @ApiProperty({
    type: [UnmappedItemDto],
    nullable: true,
    description: 'What to map (UNMAPPED).',
  })
  unmapped!: UnmappedItemDto[] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  reexportRequestedAt!: Date | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a waiting export is tried again.',
  })
  nextAttemptAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

@ApiSchema({ name: 'DayWithVouchers' })
export class DayWithVouchersDto extends DayDto {
  @ApiProperty({ type: [VoucherDto], description: 'Every voucher made for the day, in order.' })
  vouchers!: VoucherDto[];
}

@ApiSchema({ name: 'DayPage' })
export class DayPageDto extends PageOf(DayDto) {}

@ApiSchema({ name: 'Gaps' })
export class GapsDto extends DayPageDto {
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-11-01' })
  startDate!: string | null;
}

export class PostingDateDto {
  @ApiProperty({ format: 'date', example: '2026-11-01' })
  date!: string;

  @ApiProperty({ description: 'The period is closed: the first open date after it.' })
  periodClosed!: boolean;
}

@ApiSchema({ name: 'VoucherPreview' })
export class VoucherPreviewDto {
  @ApiProperty({
    type: String,
    enum: VOUCHER_KINDS,
    nullable: true,
    description: 'null: nothing to post.',
  })
  kind!: string | null;

  @ApiProperty({ type: 'integer', description: 'Checkouts on the voucher (not invoiced).' })
  sales!: number;

  @ApiProperty({ type: DayTotalsDto })
  totals!: DayTotalsDto;

  @ApiProperty({ type: [VoucherDto] })
  alreadyPosted!: VoucherDto[];

  @ApiProperty({ type: DayTotalsDto, description: 'Sales now minus vouchers in effect.' })
  difference!: DayTotalsDto;

  @ApiProperty({ type: [UnmappedItemDto] })
  unmapped!: UnmappedItemDto[];

  @ApiProperty({ type: [String] })
  problems!: string[];

  @ApiProperty({ type: PostingDateDto, nullable: true })
  postingDate!: PostingDateDto | null;

  @ApiProperty({ type: ReconciliationDto, nullable: true })
  reconciliation!: ReconciliationDto | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The voucher exactly as it would be sent: Tripletex API v2's Voucher (date, description, postings with account, amountGross in NOK, vatType, department); null when none can be made.",
  })
  voucher!: object | null;
}

@ApiSchema({ name: 'ReexportRequested' })
export class ReexportDto {
  @ApiProperty()
  companyId!: string;

  @ApiProperty()
  locationId!: string;

  @ApiProperty({ format: 'date' })
  businessDay!: string;

  @ApiProperty({ enum: DAY_STATES, enumName: 'DayStatus' })
  status!: string;

  @ApiProperty({ example: true })
  reexportRequested!: boolean;
}

@ApiSchema({ name: 'Backfill' })
export class BackfillDto {
  @ApiProperty({ type: String, format: 'date', nullable: true })
  startDate!: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Without a start date: the integration status, if settings arrived.',
  })
  status?: string | null;

  @ApiPropertyOptional({ description: 'The integration status (with a start date).' })
  integrationStatus?: string;

  @ApiProperty({ type: 'integer', description: 'Days with sales from the start date on.' })
  days!: number;

  @ApiProperty({ type: 'integer' })
  exported!: number;

  @ApiProperty({ type: 'integer' })
  pending!: number;

  @ApiPropertyOptional({ type: 'integer' })
  open?: number;

  @ApiPropertyOptional({ type: 'integer' })
  unmapped?: number;

  @ApiPropertyOptional({ type: 'integer' })
  failed?: number;

  @ApiPropertyOptional({ type: 'integer', example: 100 })
  percent?: number;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  firstPendingDay?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  lastExportedDay?: string | null;
}
