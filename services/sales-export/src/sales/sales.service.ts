import { Injectable } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { CheckoutCompletedV1, CheckoutLineV1, IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { businessDayOf } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { dayBoundaries } from '../days/day-boundaries';
import { DayLifecycle, DaySales } from '../days/day.lifecycle';
import { LineTreatment, LineTreatments, SaleLine, SalePayment } from './entities/sale.entity';
import { SaleRow, SalesRepository } from './sales.repository';

/** A gift card sold, a sale outside the VAT law, or (undefined) an ordinary sale. */
function treatmentOf(line: CheckoutLineV1): LineTreatment | undefined {
  if (line.lineType === 'GIFT_CARD') return LineTreatments.GIFT_CARD;
  if (line.outsideVatLaw && line.vatRate === 0) return LineTreatments.OUTSIDE_VAT_LAW;
  return undefined;
}

/** A checkout reduced to what the accounts need (lines and payments summed per key). */
export function saleRow(
  checkout: CheckoutCompletedV1,
  config: IntegrationConfigV1 | null | undefined,
): SaleRow {
  const { cutoffHour } = dayBoundaries(config);
  const lines = new Map<string, SaleLine>();
  for (const line of checkout.lines) {
    const treatment = treatmentOf(line);
    const key = `${line.productGroupId}|${line.vatRate}|${line.takeaway}|${treatment ?? ''}`;
    const summed: SaleLine =
      lines.get(key) ??
      (treatment
        ? [line.productGroupId, line.vatRate, line.takeaway, 0, treatment]
        : [line.productGroupId, line.vatRate, line.takeaway, 0]);
    summed[3] += line.totalGross;
    lines.set(key, summed);
  }
  const payments = new Map<string, SalePayment>();
  for (const payment of checkout.payments) {
    const summed = payments.get(payment.paymentMethodId) ?? [
      payment.paymentMethodId,
      payment.method,
      0,
    ];
    summed[2] += payment.amount;
    payments.set(payment.paymentMethodId, summed);
  }
  return {
    event_id: checkout.eventId,
    company_id: checkout.companyId,
    location_id: checkout.locationId,
    business_day: businessDayOf(checkout.completedAt, cutoffHour),
    receipt_number: checkout.receiptNumber,
    kind: checkout.kind,
    completed_at: checkout.completedAt,
    invoiced: checkout.payments.some((payment) => payment.method === 'INVOICE'),
    total_gross: checkout.payments.reduce((sum, payment) => sum + payment.amount, 0),
    tip: checkout.tip ?? 0,
    rounding: checkout.rounding ?? 0,
    lines: [...lines.values()],
    payments: [...payments.values()],
  };
}

/**
 * Records checkouts (pos.checkout.completed.v1) in the consumer's transaction: each reduced to a
 * sale on its business day (Europe/Oslo, minus the company's cut-off hour when it arrives), the
 * sales not stored yet inserted, and the days they touch counted (DayLifecycle.recordSales: a
 * sale for a day already exported reopens it for a correction voucher; a sale for a day long past
 * closes its new day at once).
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly sales: SalesRepository,
    private readonly settings: CompanySettingsService,
    private readonly lifecycle: DayLifecycle,
  ) {}

  /** Returns the eventIds recorded now (the others were recorded before). */
  async record(checkouts: CheckoutCompletedV1[], tx: EntityManager): Promise<Set<string>> {
    const settings = await this.settings.settingsFor(
      checkouts.map((checkout) => checkout.companyId),
      tx,
    );
    const rows = checkouts.map((checkout) => saleRow(checkout, settings.get(checkout.companyId)));
    const inserted = await this.sales.insertNew(rows, tx);
    const days = new Map<string, DaySales>();
    for (const row of rows) {
      if (!inserted.has(row.event_id)) continue;
      const key = `${row.company_id}\u0000${row.location_id}\u0000${row.business_day}`;
      const day = days.get(key);
      if (!day) {
        const { cutoffHour, graceMinutes } = dayBoundaries(settings.get(row.company_id));
        days.set(key, {
          companyId: row.company_id,
          locationId: row.location_id,
          businessDay: row.business_day,
          checkouts: 1,
          firstReceipt: row.receipt_number,
          lastReceipt: row.receipt_number,
          firstSaleAt: row.completed_at,
          lastSaleAt: row.completed_at,
          cutoffHour,
          graceMinutes,
        });
        continue;
      }
      day.checkouts++;
      if (Date.parse(row.completed_at) < Date.parse(day.firstSaleAt)) {
        day.firstSaleAt = row.completed_at;
        day.firstReceipt = row.receipt_number;
      }
      if (Date.parse(row.completed_at) >= Date.parse(day.lastSaleAt)) {
        day.lastSaleAt = row.completed_at;
        day.lastReceipt = row.receipt_number;
      }
    }
    await this.lifecycle.recordSales([...days.values()], tx);
    return inserted;
  }
}
