import { Injectable } from '@nestjs/common';
import type { DayReconciliationV1 } from '@pos-tripletex/contracts';
import { kronerText } from '@pos-tripletex/tripletex';
import { DataSource, EntityManager } from 'typeorm';
import type { DayKey } from '../days/day-key';
import { LineTreatment, LineTreatments } from '../sales/entities/sale.entity';
import { addTotals, DayTotals, emptyTotals, revenueKey } from './day-totals';

/** The day's sales now, summed: what the vouchers in effect must come to. */
export interface DaySnapshot {
  totals: DayTotals;
  /** paymentMethodId → POS method. */
  methods: Record<string, string>;
  revision: number;
  /** Checkouts on the voucher (not paid by invoice), and their receipt range. */
  sales: number;
  firstReceipt: string | null;
  lastReceipt: string | null;
  /** The POS's Z-report against the stored sales; null without a Z-report. */
  reconciliation: DayReconciliationV1 | null;
}

/**
 * The Z-report against the day's stored sales: its checkout count and gross total (what does not
 * agree is said in plain words), and the cash counted against the cash payments.
 */
export function reconcile(
  z: { checkoutCount: number | null; totalGross: number | null; countedCash: number | null },
  stored: { checkouts: number; salesGross: number; expectedCash: number },
): DayReconciliationV1 {
  const mismatches: string[] = [];
  if (z.checkoutCount !== null && z.checkoutCount !== stored.checkouts)
    mismatches.push(
      `the Z-report counts ${z.checkoutCount} checkouts, but ${stored.checkouts} were received`,
    );
  if (z.totalGross !== null && z.totalGross !== stored.salesGross)
    mismatches.push(
      `the Z-report's total is ${kronerText(z.totalGross)} kr, but the checkouts received come to ${kronerText(stored.salesGross)} kr`,
    );
  // A cash difference is no mismatch of the sales: it is posted (cash-difference account).
  const cashDifference = z.countedCash === null ? undefined : z.countedCash - stored.expectedCash;
  return {
    zCheckoutCount: z.checkoutCount ?? undefined,
    checkouts: stored.checkouts,
    zTotalGross: z.totalGross ?? undefined,
    salesGross: stored.salesGross,
    countedCash: z.countedCash ?? undefined,
    expectedCash: stored.expectedCash,
    cashDifference,
    mismatches,
  };
}

/**
 * The voucher planner's read of a day's sales (stored by sales/): summed per account key, without
 * the sales paid by invoice.
 */
@Injectable()
export class DaySalesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot(key: DayKey, tx: EntityManager = this.dataSource.manager): Promise<DaySnapshot> {
    const params = [key.companyId, key.locationId, key.businessDay];
    const where = `s.company_id = $1 AND s.location_id = $2 AND s.business_day = $3::date AND NOT s.invoiced`;
    // The revision first: sales committed after it only make the snapshot newer, never older.
    const [day] = await tx.query<
      {
        revision: number;
        z_received_at: Date | null;
        z_checkout_count: number | null;
        z_total_gross: string | null;
        z_counted_cash: string | null;
      }[]
    >(
      `SELECT revision, z_received_at, z_checkout_count, z_total_gross, z_counted_cash
       FROM days WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date`,
      params,
    );
    // Every checkout of the day, invoiced too: what the Z-report counted.
    const [all] = await tx.query<{ checkouts: number; gross: string | null }[]>(
      `SELECT count(*)::int AS checkouts, sum(total_gross) AS gross FROM sales s
       WHERE s.company_id = $1 AND s.location_id = $2 AND s.business_day = $3::date`,
      params,
    );
    const [summary] = await tx.query<
      {
        sales: string;
        tips: string | null;
        rounding: string | null;
        first_receipt: string | null;
        last_receipt: string | null;
      }[]
    >(
      `SELECT count(*) AS sales, sum(s.tip) AS tips, sum(s.rounding) AS rounding,
              (array_agg(s.receipt_number ORDER BY s.completed_at, s.receipt_number))[1] AS first_receipt,
              (array_agg(s.receipt_number ORDER BY s.completed_at DESC, s.receipt_number DESC))[1] AS last_receipt
       FROM sales s WHERE ${where}`,
      params,
    );
    const revenue = await tx.query<
      {
        group_id: string;
        vat_rate: number;
        takeaway: boolean;
        treatment: LineTreatment | null;
        gross: string;
      }[]
    >(
      `SELECT l->>0 AS group_id, (l->>1)::int AS vat_rate, (l->>2)::boolean AS takeaway,
              l->>4 AS treatment, sum((l->>3)::bigint) AS gross
       FROM sales s CROSS JOIN LATERAL jsonb_array_elements(s.lines) l
       WHERE ${where} GROUP BY 1, 2, 3, 4`,
      params,
    );
    const payments = await tx.query<
      { payment_method_id: string; method: string; amount: string }[]
    >(
      `SELECT p->>0 AS payment_method_id, min(p->>1) AS method, sum((p->>2)::bigint) AS amount
       FROM sales s CROSS JOIN LATERAL jsonb_array_elements(s.payments) p
       WHERE ${where} GROUP BY 1`,
      params,
    );
    const totals = emptyTotals();
    for (const row of revenue) {
      if (row.treatment === LineTreatments.GIFT_CARD) {
        totals.giftCardsSold += Number(row.gross);
        continue;
      }
      const revenueAt = revenueKey({
        productGroupId: row.group_id,
        vatRate: row.vat_rate,
        takeaway: row.takeaway,
        outsideVatLaw: row.treatment === LineTreatments.OUTSIDE_VAT_LAW,
      });
      totals.revenue[revenueAt] = (totals.revenue[revenueAt] ?? 0) + Number(row.gross);
    }
    const methods: Record<string, string> = {};
    for (const payment of payments) {
      totals.payments[payment.payment_method_id] = Number(payment.amount);
      methods[payment.payment_method_id] = payment.method;
    }
    totals.tips = Number(summary.tips ?? 0);
    totals.rounding = Number(summary.rounding ?? 0);
    const cash = payments.filter((payment) => payment.method === 'CASH');
    const reconciliation = day?.z_received_at
      ? reconcile(
          {
            checkoutCount: day.z_checkout_count,
            totalGross: day.z_total_gross === null ? null : Number(day.z_total_gross),
            countedCash: day.z_counted_cash === null ? null : Number(day.z_counted_cash),
          },
          {
            checkouts: all.checkouts,
            salesGross: Number(all.gross ?? 0),
            expectedCash: cash.reduce((sum, payment) => sum + Number(payment.amount), 0),
          },
        )
      : null;
    if (reconciliation?.cashDifference) {
      // On the account of the day's main cash payment method ('' when it had no cash payment:
      // the voucher builder says so).
      const main = [...cash].sort(
        (a, b) =>
          Number(b.amount) - Number(a.amount) ||
          a.payment_method_id.localeCompare(b.payment_method_id),
      )[0];
      totals.cashDifference[main?.payment_method_id ?? ''] = reconciliation.cashDifference;
    }
    return {
      // Zero entries (a sale and its refund) need no posting.
      totals: addTotals(totals, emptyTotals()),
      methods,
      revision: day?.revision ?? 0,
      sales: Number(summary.sales),
      firstReceipt: summary.first_receipt,
      lastReceipt: summary.last_receipt,
      reconciliation,
    };
  }
}
