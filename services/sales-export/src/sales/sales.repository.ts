import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BUSINESS_DAY_SQL } from '../days/day-boundaries';
import type { DayKey } from '../days/day-key';
import { SaleLine, SalePayment } from './entities/sale.entity';

/** A checkout reduced to what the accounts need, as the `sales` row stores it. */
export interface SaleRow {
  event_id: string;
  company_id: string;
  location_id: string;
  business_day: string;
  receipt_number: string;
  kind: string;
  completed_at: string;
  invoiced: boolean;
  total_gross: number;
  tip: number;
  rounding: number;
  lines: SaleLine[];
  payments: SalePayment[];
}

/** Writes of the `sales` table (the voucher planner reads a day's sales summed: DaySalesRepository). */
@Injectable()
export class SalesRepository {
  /** Inserts the sales not stored yet, in one statement; returns the eventIds it inserted. */
  async insertNew(rows: SaleRow[], tx: EntityManager): Promise<Set<string>> {
    const inserted = await tx.query<{ event_id: string }[]>(
      `INSERT INTO sales (event_id, company_id, location_id, business_day, receipt_number, kind,
                          completed_at, invoiced, total_gross, tip, rounding, lines, payments, received_at)
       SELECT event_id, company_id, location_id, business_day, receipt_number, kind, completed_at,
              invoiced, total_gross, tip, rounding, lines, payments, now()
       FROM jsonb_to_recordset($1::jsonb) AS s(event_id uuid, company_id varchar, location_id varchar,
            business_day date, receipt_number varchar, kind varchar, completed_at timestamptz,
            invoiced boolean, total_gross bigint, tip bigint, rounding bigint, lines jsonb, payments jsonb)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [JSON.stringify(rows)],
    );
    return new Set(inserted.map((row) => row.event_id));
  }

  /**
   * Moves the company's sales to the business day `cutoffHour` gives them (its cut-off changed,
   * or its first settings came after sales stored with the default). A sale stays where it is
   * only when both its day and its new day are already exported (history is not rewritten by a
   * cut-off change); otherwise it moves, and an exported day that gains or loses sales gets a
   * correction like any late sale. Returns the days sales left or joined.
   */
  async followCutoff(companyId: string, cutoffHour: number, tx: EntityManager): Promise<DayKey[]> {
    const exported = (day: string) =>
      `EXISTS (SELECT 1 FROM days d WHERE d.company_id = $1 AND d.location_id = t.location_id
                 AND d.business_day = ${day} AND d.exported_revision > 0)`;
    const moved = await tx.query<{ location_id: string; from_day: string; to_day: string }[]>(
      `WITH derived AS (
         SELECT s.event_id, s.location_id, s.business_day AS from_day,
                ${BUSINESS_DAY_SQL('s.completed_at', '$2::int')} AS to_day
         FROM sales s WHERE s.company_id = $1
       ), movable AS (
         SELECT t.* FROM derived t
         WHERE t.to_day <> t.from_day AND NOT (${exported('t.from_day')} AND ${exported('t.to_day')})
       ), moved AS (
         UPDATE sales s SET business_day = m.to_day FROM movable m WHERE s.event_id = m.event_id
         RETURNING m.location_id, m.from_day, m.to_day
       )
       SELECT DISTINCT location_id, from_day::text AS from_day, to_day::text AS to_day FROM moved`,
      [companyId, cutoffHour],
    );
    const days = new Map<string, DayKey>();
    for (const row of moved)
      for (const businessDay of [row.from_day, row.to_day])
        days.set(`${row.location_id}\u0000${businessDay}`, {
          companyId,
          locationId: row.location_id,
          businessDay,
        });
    return [...days.values()];
  }
}
