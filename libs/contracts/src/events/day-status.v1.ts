import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ID64, IsIsoDay, IsRfc3339WithOffset, IsSafeInteger } from './validators';

/**
 * Where a business day at a location stands:
 * - OPEN: sales are still coming in (before the cut-off plus grace, no Z-report yet);
 * - CLOSED: closed and waiting for its export (also after a late sale or a re-export request);
 * - POSTED: the day's voucher(s) are in Tripletex;
 * - NOTHING_TO_POST: closed, but every sale was paid by invoice (or the sales net to zero);
 * - UNMAPPED: a payment method, product group or other event of the day has no account;
 * - FAILED: Tripletex refused the voucher or something else needs a person, with the reason.
 */
export const DAY_STATUSES = [
  'OPEN',
  'CLOSED',
  'POSTED',
  'NOTHING_TO_POST',
  'UNMAPPED',
  'FAILED',
] as const;
export type DayStatus = (typeof DAY_STATUSES)[number];

export const VOUCHER_KINDS = ['ORIGINAL', 'CORRECTION', 'REVERSAL', 'REPOST'] as const;
export type VoucherKind = (typeof VOUCHER_KINDS)[number];

export const UNMAPPED_KINDS = [
  'PAYMENT_METHOD',
  'PRODUCT_GROUP',
  'OTHER_EVENT',
  'LOCATION',
] as const;
export type UnmappedKind = (typeof UNMAPPED_KINDS)[number];

export class UnmappedItemV1 {
  @IsIn(UNMAPPED_KINDS)
  kind!: UnmappedKind;

  /**
   * paymentMethodId, productGroupId (with `takeaway` and `vatRate`), the other event (TIPS,
   * ROUNDING, GIFT_CARDS_SOLD, CASH_DIFFERENCE) or a locationId without a department where an
   * account requires one.
   */
  @IsString()
  id!: string;

  @IsBoolean()
  @IsOptional()
  takeaway?: boolean;

  /** A product group sold at a rate it has no account for (mapped per rate). */
  @IsIn([25, 15, 12, 0])
  @IsOptional()
  vatRate?: number;
}

/** A voucher sales-export has put into Tripletex for the day. */
export class DayVoucherV1 {
  @IsIn(VOUCHER_KINDS)
  kind!: VoucherKind;

  @Min(1)
  @IsSafeInteger()
  voucherId!: number;

  /** Voucher number in the ledger; absent while the voucher waits for approval in Tripletex. */
  @Min(1)
  @IsSafeInteger()
  @IsOptional()
  number?: number;

  @IsSafeInteger()
  @IsOptional()
  year?: number;

  @MaxLength(70)
  @IsString()
  externalVoucherNumber!: string;

  /** false: created for approval in Tripletex first (sendToLedger=false). */
  @IsBoolean()
  sentToLedger!: boolean;
}

/**
 * The POS's Z-report set against the stored sales of the day (øre). `mismatches` says in plain
 * words what does not agree (empty when everything does); a mismatch is shown, not corrected.
 */
export class DayReconciliationV1 {
  /** Checkouts the Z-report counted, and checkouts stored for the day (also those invoiced). */
  @Min(0)
  @IsSafeInteger()
  @IsOptional()
  zCheckoutCount?: number;

  @Min(0)
  @IsSafeInteger()
  checkouts!: number;

  /** The Z-report's gross total, and the stored sales' (Σ payments, also those invoiced). */
  @IsSafeInteger()
  @IsOptional()
  zTotalGross?: number;

  @IsSafeInteger()
  salesGross!: number;

  /** Cash counted in the drawer, cash payments of the day, and counted − expected. */
  @IsSafeInteger()
  @IsOptional()
  countedCash?: number;

  @IsSafeInteger()
  expectedCash!: number;

  @IsSafeInteger()
  @IsOptional()
  cashDifference?: number;

  @MaxLength(500, { each: true })
  @IsString({ each: true })
  @IsArray()
  mismatches!: string[];
}

/**
 * sales-export.day-status.v1 (key = companyId): a business day's export status at a location,
 * published on every change. Amounts in øre.
 */
export class DayStatusV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  @Matches(ID64)
  @IsString()
  locationId!: string;

  @IsIsoDay()
  businessDay!: string;

  @IsIn(DAY_STATUSES)
  status!: DayStatus;

  /** Checkouts received for the day (all of them, also those paid by invoice). */
  @Min(0)
  @IsSafeInteger()
  checkouts!: number;

  /** Gross total of the day's vouchers so far (payments, without sales paid by invoice). */
  @IsSafeInteger()
  @IsOptional()
  postedGross?: number;

  /** The voucher this change is about (POSTED). */
  @ValidateNested()
  @Type(() => DayVoucherV1)
  @IsOptional()
  voucher?: DayVoucherV1;

  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => UnmappedItemV1)
  @IsOptional()
  unmapped?: UnmappedItemV1[];

  /** Stable code of a failure (e.g. SALES_EXPORT.TRIPLETEX_REJECTED). */
  @IsString()
  @IsOptional()
  code?: string;

  @MaxLength(2000)
  @IsString()
  @IsOptional()
  reason?: string;

  /** Added after v1 went out: the Z-report against the stored sales, once the POS sent one. */
  @ValidateNested()
  @Type(() => DayReconciliationV1)
  @IsOptional()
  reconciliation?: DayReconciliationV1;

  @IsRfc3339WithOffset()
  changedAt!: string;
}
