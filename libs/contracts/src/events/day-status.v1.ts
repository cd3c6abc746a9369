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

export const UNMAPPED_KINDS = ['PAYMENT_METHOD', 'PRODUCT_GROUP', 'OTHER_EVENT'] as const;
export type UnmappedKind = (typeof UNMAPPED_KINDS)[number];

export class UnmappedItemV1 {
  @IsIn(UNMAPPED_KINDS)
  kind!: UnmappedKind;

  /** paymentMethodId, productGroupId (with `takeaway`) or the other event (TIPS, ROUNDING). */
  @IsString()
  id!: string;

  @IsBoolean()
  @IsOptional()
  takeaway?: boolean;
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

  @IsRfc3339WithOffset()
  changedAt!: string;
}
