import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ALERT_KINDS,
  ALERT_SEVERITIES,
  ALERT_STATES,
  type AlertKind,
  type AlertSeverity,
  UNMAPPED_KINDS,
  type UnmappedKind,
} from '@pos-tripletex/contracts';
import { PageOf } from '@pos-tripletex/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AlertRow, AlertRowState } from '../alert-rules';

export const ALERTS_PAGE_MAX = 200;
const FILTERS = [...ALERT_STATES, 'ALL'] as const;

/** `GET …/alerts` query: which alerts, and the page (`from`, `count`) as every BackOffice list. */
export class AlertsQueryDto {
  @ApiPropertyOptional({
    enum: FILTERS,
    default: 'OPEN',
    description: 'OPEN (the default): what needs a person now; RESOLVED: what no longer does; ALL.',
  })
  @IsIn(FILTERS, { message: 'state must be OPEN, RESOLVED or ALL' })
  @IsOptional()
  state?: (typeof FILTERS)[number];

  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'How many to skip (offset).' })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  from?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: ALERTS_PAGE_MAX })
  @Max(ALERTS_PAGE_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  count?: number;
}

export class AlertUnmappedItemView {
  @ApiProperty({ enum: UNMAPPED_KINDS })
  kind!: UnmappedKind;

  @ApiProperty({
    description:
      'The paymentMethodId, productGroupId, other event (TIPS, ROUNDING, GIFT_CARDS_SOLD, CASH_DIFFERENCE) or locationId.',
    example: 'bakery',
  })
  id!: string;

  @ApiPropertyOptional({ description: 'A product group: sold take-away (true) or eaten in.' })
  takeaway?: boolean;

  @ApiPropertyOptional({ enum: [25, 15, 12, 0], description: 'A product group: the VAT rate.' })
  vatRate?: number;
}

/** What the alert is about; each kind fills its own fields. */
export class AlertDetailsView {
  @ApiPropertyOptional({ example: 'oslo-sentrum' })
  locationId?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-11-24' })
  businessDay?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The checkout an invoice alert is about.' })
  checkoutEventId?: string;

  @ApiPropertyOptional({ example: 'R-1001' })
  receiptNumber?: string;

  @ApiPropertyOptional({
    description: 'The stable code of the failure behind it.',
    example: 'SALES_EXPORT.TRIPLETEX_REJECTED',
  })
  code?: string;

  @ApiPropertyOptional({ type: [AlertUnmappedItemView], description: 'DAY_UNMAPPED: what to map.' })
  unmapped?: AlertUnmappedItemView[];
}

/** One alert: a cause that needs (or needed) a person, de-duplicated. */
export class AlertView {
  @ApiProperty({
    description: 'The cause, stable across repeats: one alert per key.',
    example: 'day-unmapped:oslo-sentrum:2026-11-24',
  })
  alertKey!: string;

  @ApiProperty({ enum: ALERT_KINDS })
  kind!: AlertKind;

  @ApiProperty({ enum: ALERT_STATES })
  state!: AlertRowState;

  @ApiProperty({
    enum: ALERT_SEVERITIES,
    description: 'CRITICAL: the books or invoices stop until a person acts; WARNING: worth a look.',
  })
  severity!: AlertSeverity;

  @ApiProperty({
    example: 'Day 2026-11-24 at oslo-sentrum cannot be posted: something is not mapped',
  })
  title!: string;

  @ApiProperty({
    description: 'What a person must do, in plain words (as last raised).',
    example:
      'Map these to an account in the Tripletex wizard, and the day is posted on its own: product group bakery (takeaway, 15 % VAT).',
  })
  message!: string;

  @ApiProperty({ type: AlertDetailsView })
  details!: AlertDetailsView;

  @ApiProperty({ description: 'The service that raised it.', example: 'sales-export' })
  source!: string;

  @ApiProperty({ format: 'date-time', description: 'When this occurrence opened.' })
  openedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When the cause was last reported.' })
  lastSeenAt!: string;

  @ApiProperty({ minimum: 1, description: 'Times the cause was reported in this occurrence.' })
  count!: number;

  @ApiProperty({ minimum: 1, description: 'Times the cause has opened (after being resolved).' })
  occurrences!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  resolvedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'What cleared it.',
    example: 'The day’s voucher is in Tripletex.',
  })
  resolution!: string | null;
}

/** `{ total, from, count, values }`: a page of the company's alerts. */
export class AlertPage extends PageOf(AlertView) {}

export function alertView(row: AlertRow): AlertView {
  return {
    alertKey: row.alertKey,
    kind: row.kind,
    state: row.state,
    severity: row.severity,
    title: row.title,
    message: row.message,
    details: row.details ?? {},
    source: row.source,
    openedAt: row.openedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    count: row.count,
    occurrences: row.occurrences,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolution: row.resolution,
  };
}
