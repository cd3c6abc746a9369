import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DayKey } from '../days/day-key';
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
    const [day] = await tx.query<{ revision: number }[]>(
      'SELECT revision FROM days WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date',
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
      { group_id: string; vat_rate: number; takeaway: boolean; gross: string }[]
    >(
      `SELECT l->>0 AS group_id, (l->>1)::int AS vat_rate, (l->>2)::boolean AS takeaway,
              sum((l->>3)::bigint) AS gross
       FROM sales s CROSS JOIN LATERAL jsonb_array_elements(s.lines) l
       WHERE ${where} GROUP BY 1, 2, 3`,
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
      const revenueAt = revenueKey({
        productGroupId: row.group_id,
        vatRate: row.vat_rate,
        takeaway: row.takeaway,
      });
      totals.revenue[revenueAt] = Number(row.gross);
    }
    const methods: Record<string, string> = {};
    for (const payment of payments) {
      totals.payments[payment.payment_method_id] = Number(payment.amount);
      methods[payment.payment_method_id] = payment.method;
    }
    totals.tips = Number(summary.tips ?? 0);
    totals.rounding = Number(summary.rounding ?? 0);
    return {
      // Zero entries (a sale and its refund) need no posting.
      totals: addTotals(totals, emptyTotals()),
      methods,
      revision: day?.revision ?? 0,
      sales: Number(summary.sales),
      firstReceipt: summary.first_receipt,
      lastReceipt: summary.last_receipt,
    };
  }
}
