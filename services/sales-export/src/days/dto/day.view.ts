import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { VoucherEntity } from '../../vouchers/entities/voucher.entity';
import { DayStatuses } from '../day-statuses';
import { DayEntity } from '../entities/day.entity';

/** A voucher of a day, as the BackOffice API shows it. */
export function voucherView(voucher: VoucherEntity) {
  return {
    seq: voucher.seq,
    kind: voucher.kind,
    status: voucher.status,
    externalVoucherNumber: voucher.externalNumber,
    tripletexVoucherId: voucher.tripletexId,
    number: voucher.tripletexNumber,
    year: voucher.tripletexYear,
    sentToLedger: voucher.sendToLedger,
    reversed: voucher.reversedById !== null,
    undoAction: voucher.undoAction,
    totals: voucher.totals,
    postedAt: voucher.postedAt,
    lastError: voucher.lastError,
  };
}

/** A day as the BackOffice API shows it, with whether it is exported at all (the start date). */
export function dayView(day: DayEntity, config: IntegrationConfigV1 | null) {
  const startDate = config?.startDate ?? null;
  const beforeStart = startDate === null || day.businessDay < startDate;
  return {
    locationId: day.locationId,
    businessDay: day.businessDay,
    status: day.status,
    exported: !beforeStart,
    note: beforeStart
      ? startDate === null
        ? 'No start date is set: nothing is exported yet.'
        : `Before the start date ${startDate}: not exported.`
      : null,
    checkouts: day.checkouts,
    receipts: { first: day.firstReceipt, last: day.lastReceipt },
    closesAt: day.closesAt,
    closedAt: day.closedAt,
    closedBy: day.closedBy,
    zReport: day.zReceivedAt
      ? {
          checkoutCount: day.zCheckoutCount,
          totalGross: day.zTotalGross === null ? null : Number(day.zTotalGross),
          countedCash: day.zCountedCash === null ? null : Number(day.zCountedCash),
          receivedAt: day.zReceivedAt,
        }
      : null,
    reconciliation: day.reconciliation,
    postedGross: Number(day.postedGross),
    failureCode: day.failureCode,
    reason: day.lastError,
    unmapped: day.unmapped,
    reexportRequestedAt: day.reexportRequestedAt,
    nextAttemptAt: day.status === DayStatuses.CLOSED && day.lastError ? day.nextAttemptAt : null,
    updatedAt: day.updatedAt,
  };
}
