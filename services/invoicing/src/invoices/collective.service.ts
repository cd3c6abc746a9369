import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { addDays, describeError, osloToday } from '@pos-tripletex/platform';
import { Invoice, TripletexError } from '@pos-tripletex/tripletex';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { CollectiveRunEntity } from './entities/collective-run.entity';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';
import { InvoiceStatusPublisher } from './invoice-status';
import { Invoicer } from './invoicer';

export interface CollectivePreview {
  upTo: string;
  customers: {
    customerId: number;
    customerName: string | null;
    orders: number;
    totalGross: number;
    checkouts: string[];
  }[];
}

export interface RunResult {
  customerId: number;
  status: 'DONE' | 'FAILED';
  invoiceNumber?: number;
  orders: number;
  error?: string;
}

/**
 * Collective invoicing: each checkout is already an order in Tripletex; a run invoices all open
 * orders of each customer with one `:invoiceMultipleOrders` call (Tripletex allows only one order
 * per regular invoice). A run records its intent before the call, and a retry first checks whether
 * the orders were invoiced already. Runs happen on the company's cadence (weekly on Mondays,
 * monthly on the 1st, for sales before that day) and on demand.
 */
@Injectable()
export class CollectiveInvoicing implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CollectiveInvoicing.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: CompanySettingsService,
    private readonly invoicer: Invoicer,
    private readonly statuses: InvoiceStatusPublisher,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.scheduled(),
      this.config.get<number>('COLLECTIVE_CHECK_MINUTES', 60) * 60_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async preview(
    companyId: string,
    upTo = addDays(osloToday(), 1),
    customerId?: number,
  ): Promise<CollectivePreview> {
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
       WHERE company_id = $1 AND kind = 'INVOICE' AND mode = 'COLLECTIVE' AND status = 'ORDERED' AND business_day < $2
         AND collective_run_id IS NULL AND ($3::bigint IS NULL OR customer_id = $3)
       GROUP BY customer_id ORDER BY customer_id`,
      [companyId, upTo, customerId ?? null],
    );
    return {
      upTo,
      customers: rows.map((r) => ({
        customerId: r.customer_id,
        customerName: r.customer_name,
        orders: Number(r.orders),
        totalGross: Number(r.total),
        checkouts: r.checkouts,
      })),
    };
  }

  /** Invoices every open order with a business day before `upTo`, one invoice per customer. */
  async run(
    companyId: string,
    upTo = addDays(osloToday(), 1),
    customerId?: number,
  ): Promise<RunResult[]> {
    const config = await this.settings.get(companyId);
    if (!config || config.status !== 'ACTIVE' || !config.invoicing.enabled) return [];
    const lock = `invoicing:collective:${companyId}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [lock],
      )) as { locked: boolean }[];
      if (!locked) return [];
      try {
        const results: RunResult[] = [];
        // Runs left unfinished by a crash first, then the open orders of each customer.
        const unfinished = await this.dataSource
          .getRepository(CollectiveRunEntity)
          .find({ where: { companyId, status: 'PENDING', ...(customerId ? { customerId } : {}) } });
        for (const run of unfinished)
          results.push(await this.execute(run, config.invoicing.sendToCustomer));
        for (const group of (await this.preview(companyId, upTo, customerId)).customers) {
          const run = await this.dataSource.transaction(async (tx) => {
            const requests = await tx.getRepository(InvoiceRequestEntity).find({
              where: group.checkouts.map((checkoutEventId) => ({
                checkoutEventId,
                status: 'ORDERED' as const,
              })),
              lock: { mode: 'pessimistic_write' },
            });
            if (requests.length === 0) return null;
            const created = await tx.getRepository(CollectiveRunEntity).save(
              tx.getRepository(CollectiveRunEntity).create({
                companyId,
                customerId: group.customerId,
                orderIds: requests.map((r) => r.orderId as number),
                invoiceDate: osloToday(),
                status: 'PENDING',
                attempts: 0,
                createdAt: new Date(),
              }),
            );
            await tx.getRepository(InvoiceRequestEntity).update(
              requests.map((r) => r.checkoutEventId),
              { collectiveRunId: created.id, updatedAt: new Date() },
            );
            return created;
          });
          if (run) results.push(await this.execute(run, config.invoicing.sendToCustomer));
        }
        return results;
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
      }
    } finally {
      await runner.release();
    }
  }

  private async execute(run: CollectiveRunEntity, sendToCustomer: boolean): Promise<RunResult> {
    const config = await this.settings.get(run.companyId);
    run.attempts += 1;
    await this.dataSource
      .getRepository(CollectiveRunEntity)
      .update(run.id, { attempts: run.attempts });
    try {
      const tx = this.invoicer.client(config!);
      let invoice: Invoice | undefined;
      if (run.attempts > 1) {
        // The earlier call may have gone through: its orders are then closed, on one invoice.
        const invoices = await tx.listInvoices({
          customerId: String(run.customerId),
          invoiceDateFrom: run.invoiceDate,
          invoiceDateTo: addDays(run.invoiceDate, 1),
          fields: 'id,invoiceNumber,kid,amount,isCreditNote,orders(id)',
        });
        invoice = (invoices.values ?? []).find(
          (i) =>
            !i.isCreditNote &&
            run.orderIds.every((id) => (i.orders ?? []).some((o) => o.id === id)),
        );
      }
      invoice ??= await tx.invoiceMultipleOrders(run.orderIds, run.invoiceDate, { sendToCustomer });
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(CollectiveRunEntity).update(run.id, {
          status: 'DONE',
          invoiceId: invoice.id ?? null,
          invoiceNumber: invoice.invoiceNumber ?? null,
          kid: invoice.kid ?? null,
          amount: invoice.amount === undefined ? null : String(Math.round(invoice.amount * 100)),
          finishedAt: new Date(),
          lastError: null,
        });
        const requests = await m
          .getRepository(InvoiceRequestEntity)
          .find({ where: { collectiveRunId: run.id, status: 'ORDERED' } });
        for (const r of requests) {
          Object.assign(r, {
            status: 'INVOICED',
            invoiceId: invoice.id ?? null,
            invoiceNumber: invoice.invoiceNumber ?? null,
            kid: invoice.kid ?? null,
            invoiceAmount:
              invoice.amount === undefined ? null : String(Math.round(invoice.amount * 100)),
            updatedAt: new Date(),
          });
          await m.getRepository(InvoiceRequestEntity).save(r);
          await this.statuses.publish(m, r, 'INVOICED');
        }
      });
      this.logger.log(
        {
          companyId: run.companyId,
          customerId: run.customerId,
          orders: run.orderIds.length,
          invoiceNumber: invoice.invoiceNumber,
        },
        'collective invoice created',
      );
      return {
        customerId: run.customerId,
        status: 'DONE',
        invoiceNumber: invoice.invoiceNumber,
        orders: run.orderIds.length,
      };
    } catch (error) {
      const retriable = !(error instanceof TripletexError) || error.retriable;
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(CollectiveRunEntity).update(run.id, {
          status: retriable ? 'PENDING' : 'FAILED',
          lastError: describeError(error).slice(0, 2000),
        });
        // A refused run gives its orders back, to be tried again in the next run.
        if (!retriable)
          await m
            .getRepository(InvoiceRequestEntity)
            .update(
              { collectiveRunId: run.id },
              { collectiveRunId: null, lastError: describeError(error).slice(0, 2000) },
            );
      });
      this.logger.warn(
        { companyId: run.companyId, customerId: run.customerId },
        `collective invoice failed: ${describeError(error)}`,
      );
      return {
        customerId: run.customerId,
        status: 'FAILED',
        orders: run.orderIds.length,
        error: describeError(error),
      };
    }
  }

  /** Runs the companies whose cadence is due today (and have not run today). */
  private async scheduled(): Promise<void> {
    const today = osloToday();
    const weekday = DateTime.fromISO(today).weekday; // 1 = Monday
    const dayOfMonth = Number(today.slice(8, 10));
    const companies = await this.dataSource.query<{ company_id: string }[]>(
      `SELECT DISTINCT company_id FROM invoice_requests WHERE mode = 'COLLECTIVE' AND status = 'ORDERED'`,
    );
    for (const { company_id: companyId } of companies) {
      const config = await this.settings.get(companyId);
      const cadence = config?.invoicing.collective.cadence;
      const due =
        (cadence === 'WEEKLY' && weekday === 1) || (cadence === 'MONTHLY' && dayOfMonth === 1);
      if (!due) continue;
      const [last] = await this.dataSource.query<{ last_run_on: string }[]>(
        'SELECT last_run_on FROM collective_schedules WHERE company_id = $1',
        [companyId],
      );
      if (last && last.last_run_on >= today) continue;
      await this.run(companyId, today).catch((error: unknown) =>
        this.logger.error(
          `scheduled collective run of ${companyId} failed: ${describeError(error)}`,
        ),
      );
      await this.dataSource.query(
        `INSERT INTO collective_schedules (company_id, last_run_on) VALUES ($1, $2)
         ON CONFLICT (company_id) DO UPDATE SET last_run_on = EXCLUDED.last_run_on`,
        [companyId, today],
      );
    }
  }
}
