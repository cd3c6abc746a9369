import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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
}
