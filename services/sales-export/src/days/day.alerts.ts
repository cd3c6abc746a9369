import {
  AlertKeys,
  DayReconciliationV1,
  DayStatus,
  UnmappedItemV1,
} from '@pos-tripletex/contracts';
import type { AlertInput } from '@pos-tripletex/messaging';
import { describeUnmapped } from '../vouchers/voucher-builder';
import { DayStatuses } from './day-statuses';

/** The code a day stopped as UNMAPPED records (SalesExportErrors.unmapped). */
export const UNMAPPED_CODE = 'SALES_EXPORT.UNMAPPED';

/** Where, in the wizard, each unmapped kind is mapped. */
function whereToMap(item: UnmappedItemV1): string {
  switch (item.kind) {
    case 'PAYMENT_METHOD':
      return 'payment methods';
    case 'PRODUCT_GROUP':
      return item.takeaway ? 'product groups (takeaway)' : 'product groups (eat-in)';
    case 'LOCATION':
      return 'locations';
    default:
      return 'other events';
  }
}

/** "Map … : product group bakery (takeaway, 15 %) under product groups (takeaway); …" */
export function mappingAdvice(unmapped: UnmappedItemV1[]): string {
  const steps = unmapped.map((item) => `${describeUnmapped([item])} under ${whereToMap(item)}`);
  return (
    'Map these to an account in the Tripletex integration settings, and the day is posted on ' +
    `its own: ${steps.join('; ')}.`
  );
}

export interface ExportedDay {
  companyId: string;
  locationId: string;
  businessDay: string;
}

/**
 * The alerts an export's outcome raises and clears (published with the day's status):
 * - UNMAPPED opens `day-unmapped:<location>:<day>` naming what to map, and where;
 * - FAILED opens `day-failed:<location>:<day>` with Tripletex's (or our) reason;
 * - POSTED and NOTHING_TO_POST resolve the day's failure alert, if it had a failure;
 * - a failure of the other kind than before resolves the earlier one.
 * A re-export or a mapping change alone (the day CLOSED again) clears nothing: the alert stays open
 * until the export's outcome says the cause is gone, so it does not flap.
 * `before` is what the day had recorded before this outcome: its failure (null: none) and its
 * Z-report's mismatches. The Z-report alerts are `zReportAlerts`'.
 */
export function dayAlerts(
  day: ExportedDay,
  before: DayBefore,
  status: DayStatus,
  details: DayOutcomeDetails = {},
): AlertInput[] {
  return [
    ...failureAlerts(day, before.failureCode, status, details),
    ...zReportAlerts(day, before.mismatches, details.reconciliation),
  ];
}

/** What a day had recorded before an export's outcome. */
export interface DayBefore {
  failureCode: string | null;
  /** Mismatches of its Z-report against the stored sales (0: none, or no Z-report). */
  mismatches: number;
}

export interface DayOutcomeDetails {
  unmapped?: UnmappedItemV1[];
  code?: string;
  reason?: string;
  reconciliation?: DayReconciliationV1;
}

/**
 * Z_REPORT_NOT_RECONCILED (a WARNING: the day is posted with the checkouts received): opened while
 * the day's Z-report disagrees with them, resolved once an export finds it agreeing (a late
 * checkout came in). A cash difference is no mismatch: it is posted.
 */
export function zReportAlerts(
  day: ExportedDay,
  mismatchesBefore: number,
  reconciliation: DayReconciliationV1 | undefined,
): AlertInput[] {
  if (!reconciliation) return [];
  const base = {
    companyId: day.companyId,
    alertKey: AlertKeys.zReportNotReconciled(day.locationId, day.businessDay),
    kind: 'Z_REPORT_NOT_RECONCILED' as const,
    severity: 'WARNING' as const,
    details: { locationId: day.locationId, businessDay: day.businessDay },
  };
  const where = `Day ${day.businessDay} at ${day.locationId}`;
  if (reconciliation.mismatches.length > 0)
    return [
      {
        ...base,
        state: 'OPEN',
        title: `${where}: the Z-report does not agree with the checkouts received`,
        message:
          `${reconciliation.mismatches.join('; ')}. The day is posted with the checkouts ` +
          'received. Check the register: a checkout it has not sent yet is posted as a correction ' +
          'when it comes.',
      },
    ];
  if (mismatchesBefore > 0)
    return [
      {
        ...base,
        state: 'RESOLVED',
        title: `${where}: the Z-report agrees with the checkouts received`,
        message: 'The checkouts received now add up to the Z-report.',
      },
    ];
  return [];
}

function failureAlerts(
  day: ExportedDay,
  previousFailureCode: string | null,
  status: DayStatus,
  details: DayOutcomeDetails,
): AlertInput[] {
  const where = `Day ${day.businessDay} at ${day.locationId}`;
  const base = {
    companyId: day.companyId,
    severity: 'CRITICAL' as const,
    details: { locationId: day.locationId, businessDay: day.businessDay },
  };
  const unmappedKey = AlertKeys.dayUnmapped(day.locationId, day.businessDay);
  const failedKey = AlertKeys.dayFailed(day.locationId, day.businessDay);
  const previous =
    previousFailureCode === null
      ? null
      : previousFailureCode === UNMAPPED_CODE
        ? 'UNMAPPED'
        : 'FAILED';
  const resolveUnmapped = (message: string): AlertInput => ({
    ...base,
    alertKey: unmappedKey,
    kind: 'DAY_UNMAPPED',
    state: 'RESOLVED',
    title: `${where}: everything is mapped`,
    message,
  });
  const resolveFailed = (message: string): AlertInput => ({
    ...base,
    alertKey: failedKey,
    kind: 'DAY_FAILED',
    state: 'RESOLVED',
    title: `${where}: no longer failing`,
    message,
  });
  switch (status) {
    case DayStatuses.UNMAPPED: {
      const unmapped = details.unmapped ?? [];
      const alerts: AlertInput[] = [
        {
          ...base,
          alertKey: unmappedKey,
          kind: 'DAY_UNMAPPED',
          state: 'OPEN',
          title: `${where} cannot be posted: ${describeUnmapped(unmapped) || 'something'} is not mapped`,
          message: unmapped.length ? mappingAdvice(unmapped) : (details.reason ?? ''),
          details: { ...base.details, code: details.code ?? UNMAPPED_CODE, unmapped },
        },
      ];
      if (previous === 'FAILED')
        alerts.push(
          resolveFailed('The day no longer fails in Tripletex; it now waits for a mapping.'),
        );
      return alerts;
    }
    case DayStatuses.FAILED: {
      const alerts: AlertInput[] = [
        {
          ...base,
          alertKey: failedKey,
          kind: 'DAY_FAILED',
          state: 'OPEN',
          title: `${where} could not be posted to Tripletex`,
          message:
            `${details.reason ?? 'The export failed.'} Correct it (in Tripletex or in the ` +
            'integration settings), then ask for a re-export of the day.',
          details: { ...base.details, code: details.code },
        },
      ];
      if (previous === 'UNMAPPED')
        alerts.push(resolveUnmapped('Everything the day sells is mapped now.'));
      return alerts;
    }
    case DayStatuses.POSTED:
    case DayStatuses.NOTHING_TO_POST: {
      const done =
        status === DayStatuses.POSTED
          ? 'The day’s voucher is in Tripletex.'
          : 'The day is exported: it has nothing to post.';
      if (previous === 'UNMAPPED') return [resolveUnmapped(done)];
      if (previous === 'FAILED') return [resolveFailed(done)];
      return [];
    }
    default:
      return [];
  }
}
