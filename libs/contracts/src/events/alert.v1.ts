import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { UnmappedItemV1 } from './day-status.v1';
import { ID64, IsIsoDay, IsRfc3339WithOffset } from './validators';

/**
 * What needs a person:
 * - DAY_UNMAPPED: a business day cannot be posted until something is mapped to an account;
 * - DAY_FAILED: Tripletex refused a day's voucher (or something else stops it), with the reason;
 * - INVOICE_FAILED: a checkout paid by invoice did not become an invoice, with the reason;
 * - INVOICE_WAITING: an invoice has waited longer than it should;
 * - TOKEN_REFUSED: Tripletex refuses the company's employee token (nothing reaches Tripletex);
 * - TOKEN_MISSING_RIGHTS: the token works but lacks a right (or a bank account number) the
 *   settings need;
 * - SUBSCRIPTION_DISABLED: Tripletex disabled a webhook subscription;
 * - CONSUMER_STALLED: a consumer has not moved on for longer than its threshold;
 * - Z_REPORT_NOT_RECONCILED: a day's Z-report does not agree with the stored sales.
 */
export const ALERT_KINDS = [
  'DAY_UNMAPPED',
  'DAY_FAILED',
  'INVOICE_FAILED',
  'INVOICE_WAITING',
  'TOKEN_REFUSED',
  'TOKEN_MISSING_RIGHTS',
  'SUBSCRIPTION_DISABLED',
  'CONSUMER_STALLED',
  'Z_REPORT_NOT_RECONCILED',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** OPEN: the cause is there (again); RESOLVED: it went away. */
export const ALERT_STATES = ['OPEN', 'RESOLVED'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** CRITICAL: the books or invoices stop until a person acts; WARNING: worth a look. */
export const ALERT_SEVERITIES = ['CRITICAL', 'WARNING'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** An alert key: the cause, stable across repeats (letters, digits and `_ - : .`). */
export const ALERT_KEY = /^[A-Za-z0-9_:.-]{1,200}$/;

/**
 * The one spelling of each cause's key, shared by the producers and their readers: one open alert
 * per key and company.
 */
export const AlertKeys = {
  dayUnmapped: (locationId: string, businessDay: string) =>
    `day-unmapped:${locationId}:${businessDay}`,
  dayFailed: (locationId: string, businessDay: string) => `day-failed:${locationId}:${businessDay}`,
  invoiceFailed: (checkoutEventId: string) => `invoice-failed:${checkoutEventId}`,
  tokenRefused: () => 'token-refused',
  tokenMissingRights: () => 'token-missing-rights',
  zReportNotReconciled: (locationId: string, businessDay: string) =>
    `z-report:${locationId}:${businessDay}`,
} as const;

/** What the alert is about, where it applies (all optional: each kind fills its own). */
export class AlertDetailsV1 {
  @Matches(ID64)
  @IsString()
  @IsOptional()
  locationId?: string;

  @IsIsoDay()
  @IsOptional()
  businessDay?: string;

  /** The checkout (its eventId) an invoice alert is about. */
  @IsUUID('all')
  @IsOptional()
  checkoutEventId?: string;

  @MaxLength(64)
  @IsString()
  @IsOptional()
  receiptNumber?: string;

  /** The stable code of the failure behind it (e.g. SALES_EXPORT.TRIPLETEX_REJECTED). */
  @MaxLength(100)
  @IsString()
  @IsOptional()
  code?: string;

  /** DAY_UNMAPPED: what to map, as sales-export.day-status.v1 lists it. */
  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => UnmappedItemV1)
  @IsOptional()
  unmapped?: UnmappedItemV1[];
}

/**
 * integration.alerts.v1 (key = companyId): something needs a person, or no longer does. Published
 * by the service that knows the cause, in the transaction of the change that raises or clears it.
 * `alertKey` names the cause: a repeated OPEN of the same key is the same alert (seen again), a
 * RESOLVED closes it, an OPEN after that opens it anew. Onboarding keeps them per company and
 * lists them over HTTP (`GET /v1/companies/{companyId}/alerts`). A RESOLVED for a cause that is not
 * open is harmless. Tolerant reader: ignore fields and kinds you do not know.
 */
export class AlertV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  @Matches(ID64)
  @IsString()
  companyId!: string;

  /** The cause, stable across repeats, e.g. `day-unmapped:oslo-sentrum:2026-11-24`. */
  @Matches(ALERT_KEY)
  @IsString()
  alertKey!: string;

  @IsIn(ALERT_KINDS)
  kind!: AlertKind;

  @IsIn(ALERT_STATES)
  state!: AlertState;

  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  /** One line, e.g. "Day 2026-11-24 at oslo-sentrum cannot be posted". */
  @MaxLength(200)
  @IsString()
  title!: string;

  /** What a person must do (OPEN), or what cleared it (RESOLVED), in plain words. */
  @MaxLength(2000)
  @IsString()
  message!: string;

  @ValidateNested()
  @Type(() => AlertDetailsV1)
  @IsOptional()
  details?: AlertDetailsV1;

  /** The service that raised or cleared it. */
  @Matches(ID64)
  @IsString()
  source!: string;

  /** When the cause appeared (OPEN) or went away (RESOLVED). */
  @IsRfc3339WithOffset()
  occurredAt!: string;
}
