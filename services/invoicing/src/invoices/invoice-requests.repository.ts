import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  InvoiceRequestEntity,
  RequestKinds,
  RequestModes,
  RequestStatus,
  RequestStatuses,
} from './entities/invoice-request.entity';

/** The list's status filter for every request not completed yet (failed, waiting, in flight). */
export const OPEN = 'OPEN';
const OPEN_STATUSES = [RequestStatuses.FAILED, RequestStatuses.PENDING, RequestStatuses.IN_FLIGHT];

/** The BackOffice list's filter and page (Tripletex's paging words: `from`, `count`). */
export interface InvoiceRequestFilter {
  customerId?: number;
  dateFrom?: string;
  dateTo?: string;
  status?: RequestStatus | typeof OPEN;
  from?: number;
  count?: number;
}

/** A page of the list: `total` matches the filter, `values` start at `from`. */
export interface InvoiceRequestPage {
  total: number;
  from: number;
  values: InvoiceRequestEntity[];
}

/** One customer's open collective orders (ORDERED, in no run yet). */
export interface OpenOrders {
  customerId: number;
  customerName: string | null;
  orders: number;
  totalGross: number;
  checkouts: string[];
}

/** One business day at one location, as BackOffice's day view shows its invoiced sales. */
export interface InvoiceDay {
  businessDay: string;
  locationId: string;
  /** Sales charged by invoice (refunds are counted apart). */
  sales: number;
  invoiced: number;
  /** Collective orders waiting for their run (booked once the run invoices them). */
  ordered: number;
  pending: number;
  failed: number;
  /** pending + failed: sales in no book yet. */
  notInvoiced: number;
  refunds: number;
  refundsNotCredited: number;
  /** E.g. "2 invoiced sales not invoiced (1 failed, 1 pending)". */
  summary: string;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Reads of invoice requests (the lifecycle does every change). */
@Injectable()
export class InvoiceRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  get(checkoutEventId: string): Promise<InvoiceRequestEntity> {
    return this.dataSource.getRepository(InvoiceRequestEntity).findOneByOrFail({ checkoutEventId });
  }

  find(companyId: string, checkoutEventId: string): Promise<InvoiceRequestEntity | null> {
    return this.dataSource
      .getRepository(InvoiceRequestEntity)
      .findOneBy({ companyId, checkoutEventId });
  }

  /** The request of the sale a refund refunds, if it was charged by invoice here. */
  async original(refund: InvoiceRequestEntity): Promise<InvoiceRequestEntity | null> {
    if (!refund.refundOf) return null;
    return this.find(refund.companyId, refund.refundOf);
  }

  /**
   * The other refunds of a sale (within its company): how much they credited (øre, positive) and
   * how many are being credited right now.
   */
  async refundsOf(
    original: InvoiceRequestEntity,
    exceptRefund: string,
  ): Promise<{ credited: number; inFlight: number }> {
    const [row] = await this.dataSource.query<{ credited: string | null; in_flight: string }[]>(
      `SELECT -sum(total_gross) FILTER (WHERE status = '${RequestStatuses.CREDITED}') AS credited,
              count(*) FILTER (WHERE status = '${RequestStatuses.IN_FLIGHT}') AS in_flight
       FROM invoice_requests
       WHERE company_id = $1 AND refund_of = $2 AND checkout_event_id <> $3
         AND kind = '${RequestKinds.CREDIT_NOTE}'`,
      [original.companyId, original.checkoutEventId, exceptRefund],
    );
    return { credited: Number(row?.credited ?? 0), inFlight: Number(row?.in_flight ?? 0) };
  }

  /** A company's requests, newest business day first. */
  async page(companyId: string, filter: InvoiceRequestFilter): Promise<InvoiceRequestPage> {
    const from = filter.from ?? 0;
    const query = this.dataSource
      .getRepository(InvoiceRequestEntity)
      .createQueryBuilder('request')
      .where('request.companyId = :companyId', { companyId })
      .orderBy('request.businessDay', 'DESC')
      .addOrderBy('request.receiptNumber', 'DESC')
      .skip(from)
      .take(filter.count ?? DEFAULT_PAGE_SIZE);
    if (filter.customerId)
      query.andWhere('request.customerId = :customerId', { customerId: filter.customerId });
    if (filter.dateFrom)
      query.andWhere('request.businessDay >= :dateFrom', { dateFrom: filter.dateFrom });
    if (filter.dateTo) query.andWhere('request.businessDay <= :dateTo', { dateTo: filter.dateTo });
    if (filter.status === OPEN)
      query.andWhere('request.status IN (:...open)', { open: OPEN_STATUSES });
    else if (filter.status) query.andWhere('request.status = :status', { status: filter.status });
    const [values, total] = await query.getManyAndCount();
    return { total, from, values };
  }

  /**
   * Per business day and location: how many sales were charged by invoice and what became of
   * them. The day voucher leaves every one of them out (its invoice books it), so `notInvoiced`
   * (pending, in flight or failed) are sales in no book yet.
   */
  async days(companyId: string, dateFrom: string, dateTo: string): Promise<InvoiceDay[]> {
    const rows = await this.dataSource.query<
      {
        business_day: string;
        location_id: string;
        sales: string;
        invoiced: string;
        ordered: string;
        pending: string;
        failed: string;
        refunds: string;
        refunds_open: string;
      }[]
    >(
      `SELECT to_char(business_day, 'YYYY-MM-DD') AS business_day, location_id,
              count(*) FILTER (WHERE kind = '${RequestKinds.INVOICE}') AS sales,
              count(*) FILTER (WHERE kind = '${RequestKinds.INVOICE}' AND status = '${RequestStatuses.INVOICED}') AS invoiced,
              count(*) FILTER (WHERE kind = '${RequestKinds.INVOICE}' AND status = '${RequestStatuses.ORDERED}') AS ordered,
              count(*) FILTER (WHERE kind = '${RequestKinds.INVOICE}' AND status IN ('${RequestStatuses.PENDING}', '${RequestStatuses.IN_FLIGHT}')) AS pending,
              count(*) FILTER (WHERE kind = '${RequestKinds.INVOICE}' AND status = '${RequestStatuses.FAILED}') AS failed,
              count(*) FILTER (WHERE kind = '${RequestKinds.CREDIT_NOTE}') AS refunds,
              count(*) FILTER (WHERE kind = '${RequestKinds.CREDIT_NOTE}' AND status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})) AS refunds_open
       FROM invoice_requests
       WHERE company_id = $1 AND business_day BETWEEN $2 AND $3
       GROUP BY business_day, location_id ORDER BY business_day DESC, location_id`,
      [companyId, dateFrom, dateTo],
    );
    return rows.map((row) => {
      const notInvoiced = Number(row.pending) + Number(row.failed);
      return {
        businessDay: row.business_day,
        locationId: row.location_id,
        sales: Number(row.sales),
        invoiced: Number(row.invoiced),
        ordered: Number(row.ordered),
        pending: Number(row.pending),
        failed: Number(row.failed),
        notInvoiced,
        refunds: Number(row.refunds),
        refundsNotCredited: Number(row.refunds_open),
        summary:
          notInvoiced === 0
            ? 'every invoiced sale is invoiced or ordered'
            : `${notInvoiced} invoiced ${notInvoiced === 1 ? 'sale' : 'sales'} not invoiced (${row.failed} failed, ${row.pending} pending)`,
      };
    });
  }

  /** Open collective orders with a business day before `upTo`, per customer. */
  async openOrders(companyId: string, upTo: string, customerId?: number): Promise<OpenOrders[]> {
    const rows = await this.dataSource.query<
      {
        customer_id: number;
        customer_name: string | null;
        orders: string;
        total: string;
        checkouts: string[];
      }[]
    >(
      `SELECT customer_id::float8 AS customer_id, max(customer_name) AS customer_name, count(*) AS orders, sum(total_gross) AS total,
              array_agg(checkout_event_id::text ORDER BY business_day, receipt_number) AS checkouts
       FROM invoice_requests
       WHERE company_id = $1 AND kind = '${RequestKinds.INVOICE}' AND mode = '${RequestModes.COLLECTIVE}'
         AND status = '${RequestStatuses.ORDERED}' AND business_day < $2
         AND collective_run_id IS NULL AND ($3::bigint IS NULL OR customer_id = $3)
       GROUP BY customer_id ORDER BY customer_id`,
      [companyId, upTo, customerId ?? null],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      customerName: row.customer_name,
      orders: Number(row.orders),
      totalGross: Number(row.total),
      checkouts: row.checkouts,
    }));
  }

  /** Companies with collective orders waiting for a run. */
  async companiesWithOpenOrders(): Promise<string[]> {
    const rows = await this.dataSource.query<{ company_id: string }[]>(
      `SELECT DISTINCT company_id FROM invoice_requests
       WHERE mode = '${RequestModes.COLLECTIVE}' AND status = '${RequestStatuses.ORDERED}'
         AND collective_run_id IS NULL`,
    );
    return rows.map((row) => row.company_id);
  }
}
