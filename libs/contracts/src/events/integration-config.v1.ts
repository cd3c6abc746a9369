import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { INVOICE_SEND_TYPES, InvoiceSendType } from './checkout-completed.v1';
import { ID64, IsIsoDay, IsRfc3339WithOffset, IsSafeInteger } from './validators';

// integration.config.v1: compacted, key = companyId. Published by onboarding whenever a company's
// integration changes; every other service keeps its own copy (event-carried state transfer).
// Internal event: consumers are tolerant readers, so onboarding may add optional fields freely.
// WARNING: never put a plaintext token here.

export const INTEGRATION_STATUSES = ['ACTIVE', 'INACTIVE', 'NEEDS_ATTENTION'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export const OTHER_EVENT_KINDS = [
  'TIPS',
  'ROUNDING',
  'CASH_DIFFERENCE',
  'GIFT_CARDS_SOLD',
] as const;
export type OtherEventKind = (typeof OTHER_EVENT_KINDS)[number];

export const COLLECTIVE_CADENCES = ['WEEKLY', 'MONTHLY', 'ON_DEMAND'] as const;
export type CollectiveCadence = (typeof COLLECTIVE_CADENCES)[number];

/** A Tripletex ledger account chosen in the wizard. */
export class LedgerAccountRefV1 {
  /** Tripletex account id. */
  @Min(1)
  @IsSafeInteger()
  accountId!: number;

  /** Account number in the chart of accounts, e.g. 1920 (for people reading the event). */
  @Min(1)
  @IsSafeInteger()
  accountNumber!: number;
}

export class PaymentMethodMappingV1 extends LedgerAccountRefV1 {
  @Matches(ID64)
  @IsString()
  paymentMethodId!: string;
}

export class ProductGroupMappingV1 extends LedgerAccountRefV1 {
  @Matches(ID64)
  @IsString()
  productGroupId!: string;

  /** false: eat-in; true: takeaway (usually another VAT rate). */
  @IsBoolean()
  takeaway!: boolean;

  /**
   * The VAT rate this account is for. A group mapped once (eat-in or takeaway) uses its account at
   * every rate it sells at; a group mapped once per rate uses the account of the sale's rate.
   */
  @IsIn([25, 15, 12, 0])
  @IsOptional()
  vatRate?: 25 | 15 | 12 | 0;
}

export class OtherEventMappingV1 extends LedgerAccountRefV1 {
  @IsIn(OTHER_EVENT_KINDS)
  event!: OtherEventKind;
}

/**
 * A POS location (shop, restaurant) and the Tripletex department its postings carry: every posting
 * of the location's day voucher, and its invoice orders.
 */
export class LocationMappingV1 {
  @Matches(ID64)
  @IsString()
  locationId!: string;

  /** Tripletex department id. */
  @Min(1)
  @IsSafeInteger()
  departmentId!: number;

  /** The department's number and name in Tripletex (for people reading the event). */
  @IsString()
  @IsOptional()
  departmentNumber?: string;

  @IsString()
  @IsOptional()
  departmentName?: string;
}

export class AccountMappingsV1 {
  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => PaymentMethodMappingV1)
  paymentMethods: PaymentMethodMappingV1[] = [];

  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => ProductGroupMappingV1)
  productGroups: ProductGroupMappingV1[] = [];

  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => OtherEventMappingV1)
  otherEvents: OtherEventMappingV1[] = [];

  /**
   * Added after v1 went out (absent on older events: no departments). Each POS location's
   * Tripletex department; a location not listed posts without one.
   */
  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => LocationMappingV1)
  @IsOptional()
  locations?: LocationMappingV1[];
}

export class CollectiveInvoicingV1 {
  @IsBoolean()
  enabled = false;

  @IsIn(COLLECTIVE_CADENCES)
  cadence: CollectiveCadence = 'MONTHLY';
}

export class InvoicingSettingsV1 {
  @IsBoolean()
  enabled = false;

  /** Passed to Tripletex as `sendToCustomer` (Tripletex's own default is true). */
  @IsBoolean()
  sendToCustomer = true;

  /**
   * Added after v1 went out (optional): how invoices are delivered when they are sent; absent: by
   * each customer's send method in Tripletex. A checkout may ask for its own.
   */
  @IsIn(INVOICE_SEND_TYPES)
  @IsOptional()
  sendType?: InvoiceSendType;

  @ValidateNested()
  @Type(() => CollectiveInvoicingV1)
  collective: CollectiveInvoicingV1 = new CollectiveInvoicingV1();
}

export class SalesExportSettingsV1 {
  /**
   * Passed to Tripletex as `sendToLedger`. true (Tripletex's default): vouchers go straight into
   * the ledger; false: they wait in Tripletex for a bookkeeper to approve them.
   */
  @IsBoolean()
  sendToLedger = true;

  /** Minutes after the cut-off a day without a Z-report stays open for late sales. */
  @Max(24 * 60)
  @Min(0)
  @IsSafeInteger()
  graceMinutes = 30;
}

/** The employee token, encrypted by onboarding (AES-256-GCM); services share the key ring. */
export class EncryptedSecretV1 {
  @MinLength(1)
  @IsString()
  keyId!: string;

  /**
   * `v2.` + base64url(iv ‖ ciphertext ‖ tag), AES-256-GCM bound to the company and the purpose
   * (libs/platform SecretBox); values of earlier releases lack the prefix (the legacy format).
   */
  @MinLength(1)
  @IsString()
  value!: string;
}

export class TripletexConnectionV1 {
  /** The Tripletex company id the employee token belongs to. */
  @Min(1)
  @IsSafeInteger()
  companyId!: number;

  @ValidateNested()
  @Type(() => EncryptedSecretV1)
  @IsOptional()
  employeeToken?: EncryptedSecretV1;
}

export class IntegrationConfigV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1], { message: 'schemaVersion must be 1 on integration.config.v1' })
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  /** Increases with every change of the company's settings; consumers ignore older versions. */
  @Min(1)
  @IsSafeInteger()
  version!: number;

  @IsIn(INTEGRATION_STATUSES)
  status!: IntegrationStatus;

  /** Why the integration needs attention, in plain words (NEEDS_ATTENTION only). */
  @IsString()
  @IsOptional()
  statusReason?: string;

  @IsRfc3339WithOffset()
  changedAt!: string;

  /** First business day to export, `YYYY-MM-DD`; null until chosen. */
  @IsIsoDay()
  @IsOptional()
  startDate: string | null = null;

  /** Sales before this hour (Europe/Oslo) belong to the previous business day. */
  @Max(12)
  @Min(0)
  @IsSafeInteger()
  dayCutoffHour = 4;

  @ValidateNested()
  @Type(() => TripletexConnectionV1)
  @IsOptional()
  tripletex?: TripletexConnectionV1;

  @ValidateNested()
  @Type(() => AccountMappingsV1)
  mappings: AccountMappingsV1 = new AccountMappingsV1();

  @ValidateNested()
  @Type(() => InvoicingSettingsV1)
  invoicing: InvoicingSettingsV1 = new InvoicingSettingsV1();

  /** Added after v1 went out: absent on older events, which means the defaults. */
  @ValidateNested()
  @Type(() => SalesExportSettingsV1)
  @IsOptional()
  salesExport?: SalesExportSettingsV1;
}
