import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CompanySettingsService, TokenRejections } from '@pos-tripletex/company-settings';
import {
  addDays,
  backoffDelay,
  describeError,
  HeldLease,
  osloToday,
  WorkLoop,
} from '@pos-tripletex/platform';
import {
  classifyFailure,
  Invoice,
  oreFromKroner,
  TripletexFailure,
} from '@pos-tripletex/tripletex';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In, IsNull } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { InvoicingErrors } from '../invoicing.errors';
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
  /** PENDING: still being invoiced when the answer was given (see the invoice-status events). */
  status: 'DONE' | 'FAILED' | 'PENDING';
  invoiceNumber?: number;
  orders: number;
  error?: string;
}

/**
 * Claims due collective runs: $1 at most, $2 in flight per company, a lease of $3 s. A failed
 * attempt is due again at `next_attempt_at`; a run whose lease ran out (its worker died) is due at
 * once, and its retry looks for the invoice first.
 */
export const CLAIM_DUE_RUNS_SQL = `WITH due AS (
           SELECT id, company_id,
                  row_number() OVER (PARTITION BY company_id ORDER BY next_attempt_at, id) AS n
           FROM collective_runs
           WHERE (status = 'PENDING' AND next_attempt_at <= now()) OR (status = 'IN_FLIGHT' AND lease_until < now())
         ), picked AS (
           SELECT r.id FROM collective_runs r JOIN due d USING (id)
           WHERE d.n <= $2
             AND ((r.status = 'PENDING' AND r.next_attempt_at <= now()) OR (r.status = 'IN_FLIGHT' AND r.lease_until < now()))
             AND (SELECT count(*) FROM collective_runs f WHERE f.company_id = r.company_id AND f.status = 'IN_FLIGHT' AND f.lease_until >= now()) < $2
           ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED
         ), claimed AS (
           UPDATE collective_runs r SET status = 'IN_FLIGHT', attempts = r.attempts + 1,
             lease_until = now() + make_interval(secs => $3), lease_owner = gen_random_uuid()
           FROM picked WHERE r.id = picked.id
           RETURNING r.id, r.lease_owner
         ) SELECT id, lease_owner FROM claimed`;

const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE collective_runs SET lease_until = now() + make_interval(secs => $3)
    WHERE id = $1 AND status = 'IN_FLIGHT' AND lease_owner = $2 RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** Collective runs of one company in flight at once (the rest of the company waits its turn). */
const RUNS_PER_COMPANY = 2;

/** A run Tripletex could not take is tried again after 5 s, 10 s, … up to an hour. */
const RUN_BACKOFF = { firstMs: 5_000, maxMs: 3600_000 };

interface ClaimedRun {
  id: string;
  leaseOwner: string;
}

/**
 * Collective invoicing: each checkout is already an order in Tripletex; a run invoices all open
 * orders of one customer with one `:invoiceMultipleOrders` call (Tripletex allows only one order
 * per regular invoice). Planning a run records its intent (the run row, its orders marked) in one
 * transaction; a worker then claims runs like any other work – a lease held by heartbeat, at most
 * two runs of a company in flight, so one company's slow Tripletex or thousands of customers never
 * hold up another's – and a retry first checks whether the orders were invoiced already. Runs are
 * planned on the company's cadence (weekly on Mondays, monthly on the 1st, for sales before that
 * day) and on demand.
 */
@Injectable()
export class CollectiveInvoicing implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CollectiveInvoicing.name);
  private readonly worker = new WorkLoop<ClaimedRun>({
    name: 'collective invoicing',
    concurrency: () => this.env.COLLECTIVE_WORKERS,
    claim: (limit) => this.claim(limit),
    handle: (run) => this.handle(run),
    describe: (run) => ({ collectiveRun: run.id }),
    logger: this.logger,
  });
  private readonly schedule = WorkLoop.periodic(
    'collective schedule',
    () => this.scheduled(),
    this.logger,
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: CompanySettingsService,
    private readonly invoicer: Invoicer,
    private readonly statuses: InvoiceStatusPublisher,
    private readonly tokenRejections: TokenRejections,
    private readonly env: InvoicingEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.worker.start(this.env.INVOICE_POLL_MS * 4, { now: true });
    this.schedule.start(this.env.COLLECTIVE_CHECK_SECONDS * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await this.worker.stop();
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

  /**
   * Invoices every open order with a business day before `upTo`, one invoice per customer: plans
   * the runs, lets the workers do them, and answers once they are done (or after
   * COLLECTIVE_RUN_WAIT_MS with the unfinished ones PENDING). Runs left unfinished earlier are
   * included.
   */
  async run(
    companyId: string,
    upTo = addDays(osloToday(), 1),
    customerId?: number,
  ): Promise<RunResult[]> {
    const config = await this.settings.get(companyId);
    if (!config || config.status !== 'ACTIVE' || !config.invoicing.enabled) return [];
    const ids = await this.plan(companyId, upTo, customerId);
    this.worker.nudge();
    return this.results(ids, this.env.COLLECTIVE_RUN_WAIT_MS);
  }

  /**
   * Records one run per customer with open orders before `upTo` (its orders marked with the run in
   * the same transaction, so an order is never in two runs); returns the ids of the company's
   * unfinished runs, new and earlier.
   */
  async plan(companyId: string, upTo: string, customerId?: number): Promise<string[]> {
    for (const group of (await this.preview(companyId, upTo, customerId)).customers) {
      await this.dataSource.transaction(async (tx) => {
        const requests = await tx.getRepository(InvoiceRequestEntity).find({
          where: group.checkouts.map((checkoutEventId) => ({
            checkoutEventId,
            status: 'ORDERED' as const,
            // Re-checked after the row lock: an order another planner just took is skipped.
            collectiveRunId: IsNull(),
          })),
          lock: { mode: 'pessimistic_write' },
        });
        if (requests.length === 0) return;
        const created = await tx.getRepository(CollectiveRunEntity).save(
          tx.getRepository(CollectiveRunEntity).create({
            companyId,
            customerId: group.customerId,
            orderIds: requests.map((r) => r.orderId as number),
            invoiceDate: osloToday(),
            status: 'PENDING',
            attempts: 0,
            nextAttemptAt: new Date(),
            createdAt: new Date(),
          }),
        );
        await tx.getRepository(InvoiceRequestEntity).update(
          requests.map((r) => r.checkoutEventId),
          { collectiveRunId: created.id, updatedAt: new Date() },
        );
      });
    }
    const unfinished = await this.dataSource.getRepository(CollectiveRunEntity).find({
      where: {
        companyId,
        status: In(['PENDING', 'IN_FLIGHT']),
        ...(customerId ? { customerId } : {}),
      },
      select: { id: true },
    });
    return unfinished.map((r) => r.id);
  }

  private async results(ids: string[], waitMs: number): Promise<RunResult[]> {
    const repo = this.dataSource.getRepository(CollectiveRunEntity);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const runs = ids.length
        ? await repo.find({ where: { id: In(ids) }, order: { id: 'ASC' } })
        : [];
      const finished = runs.every((r) => r.status === 'DONE' || r.status === 'FAILED');
      if (finished || Date.now() >= deadline)
        return runs.map((r) => ({
          customerId: r.customerId,
          status: r.status === 'DONE' || r.status === 'FAILED' ? r.status : 'PENDING',
          invoiceNumber: r.invoiceNumber ?? undefined,
          orders: r.orderIds.length,
          error: r.status === 'DONE' ? undefined : (r.lastError ?? undefined),
        }));
      await sleep(250);
    }
  }

  private async claim(limit: number): Promise<ClaimedRun[]> {
    const rows = await this.dataSource.query<{ id: string; lease_owner: string }[]>(
      CLAIM_DUE_RUNS_SQL,
      [limit, RUNS_PER_COMPANY, this.leaseSeconds],
    );
    return rows.map((r) => ({ id: String(r.id), leaseOwner: r.lease_owner }));
  }

  private get leaseSeconds(): number {
    return this.env.INVOICE_LEASE_SECONDS;
  }

  private async handle(claimed: ClaimedRun): Promise<void> {
    const lease = HeldLease.hold(`collective run ${claimed.id}`, {
      leaseMs: this.leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            claimed.id,
            claimed.leaseOwner,
            this.leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
    try {
      await this.execute(claimed, lease);
    } finally {
      await lease.release();
    }
  }

  private async execute(claimed: ClaimedRun, lease: HeldLease): Promise<void> {
    const run = await this.dataSource
      .getRepository(CollectiveRunEntity)
      .findOneByOrFail({ id: claimed.id });
    const config = await this.settings.get(run.companyId);
    if (!config || config.status !== 'ACTIVE' || !config.invoicing.enabled) {
      // Not a refusal of the run: it keeps its orders and waits (backing off) for invoicing.
      const notEnabled = describeError(InvoicingErrors.notEnabled());
      const waiting = { kind: 'retry', afterMs: 0, message: notEnabled } as const;
      return this.failed(claimed, run, waiting, notEnabled);
    }
    try {
      const client = this.invoicer.client(config);
      let invoice: Invoice | undefined;
      if (run.attempts > 1) {
        // The earlier call may have gone through: its orders are then closed, on one invoice.
        const invoices = await client.listInvoices({
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
      if (!invoice) {
        lease.throwIfLost();
        invoice = await client.invoiceMultipleOrders(run.orderIds, run.invoiceDate, {
          sendToCustomer: config.invoicing.sendToCustomer,
        });
      }
      await this.done(claimed, run, invoice);
    } catch (error) {
      if (lease.lost) return; // the next owner takes over, and finds the invoice if there is one
      await this.failed(claimed, run, classifyFailure(error), describeError(error));
    }
  }

  /** Records the invoice on the run and its orders, if the run is still ours. */
  private async done(claimed: ClaimedRun, run: CollectiveRunEntity, invoice: Invoice) {
    const amount = invoice.amount === undefined ? null : String(oreFromKroner(invoice.amount));
    const ours = await this.dataSource.transaction(async (m) => {
      const updated = await m.query<unknown[]>(
        `WITH done AS (
           UPDATE collective_runs SET status = 'DONE', invoice_id = $3, invoice_number = $4, kid = $5,
             amount = $6, finished_at = now(), last_error = NULL, lease_owner = NULL, lease_until = NULL
           WHERE id = $1 AND status = 'IN_FLIGHT' AND lease_owner = $2 AND lease_until >= now()
           RETURNING 1 AS ours
         ) SELECT ours FROM done`,
        [
          claimed.id,
          claimed.leaseOwner,
          invoice.id ?? null,
          invoice.invoiceNumber ?? null,
          invoice.kid ?? null,
          amount,
        ],
      );
      if (updated.length === 0) return false;
      const requests = await m
        .getRepository(InvoiceRequestEntity)
        .find({ where: { collectiveRunId: run.id, status: 'ORDERED' } });
      for (const r of requests) {
        Object.assign(r, {
          status: 'INVOICED',
          invoiceId: invoice.id ?? null,
          invoiceNumber: invoice.invoiceNumber ?? null,
          kid: invoice.kid ?? null,
          invoiceAmount: amount,
          updatedAt: new Date(),
        });
        await m.getRepository(InvoiceRequestEntity).save(r);
        await this.statuses.publish(m, r, 'INVOICED');
      }
      return true;
    });
    if (ours)
      this.logger.log(
        {
          companyId: run.companyId,
          customerId: run.customerId,
          orders: run.orderIds.length,
          invoiceNumber: invoice.invoiceNumber,
        },
        'collective invoice created',
      );
  }

  /**
   * A failure that can pass (Tripletex away, a refused token) makes the run due again later,
   * backing off; a refusal marks it FAILED and gives its orders back, to be tried again in the next
   * run. A refused token is reported to onboarding, as the other workers do.
   */
  private async failed(
    claimed: ClaimedRun,
    run: CollectiveRunEntity,
    failure: TripletexFailure,
    error: string,
  ) {
    const retriable = failure.kind !== 'final';
    const message = error.slice(0, 2000);
    const backoffMs = Math.max(
      failure.kind === 'final' ? 0 : failure.afterMs,
      backoffDelay(RUN_BACKOFF, run.attempts),
    );
    await this.dataSource.transaction(async (m) => {
      const updated = await m.query<unknown[]>(
        `WITH failed AS (
           UPDATE collective_runs SET status = $3, last_error = $4, lease_owner = NULL, lease_until = NULL,
             next_attempt_at = now() + make_interval(secs => $5)
           WHERE id = $1 AND status = 'IN_FLIGHT' AND lease_owner = $2 AND lease_until >= now()
           RETURNING 1 AS ours
         ) SELECT ours FROM failed`,
        [
          claimed.id,
          claimed.leaseOwner,
          retriable ? 'PENDING' : 'FAILED',
          message,
          backoffMs / 1000,
        ],
      );
      if (updated.length > 0 && failure.kind === 'token-rejected')
        await this.tokenRejections.report(m, {
          companyId: run.companyId,
          service: 'invoicing',
          message: failure.message,
        });
      if (updated.length > 0 && !retriable)
        await m
          .getRepository(InvoiceRequestEntity)
          .update({ collectiveRunId: run.id }, { collectiveRunId: null, lastError: message });
    });
    this.logger.warn(
      { companyId: run.companyId, customerId: run.customerId },
      `collective invoice ${retriable ? 'will be retried' : 'failed'}: ${message}`,
    );
  }

  /** Plans the runs of the companies whose cadence is due today (and have not run today). */
  private async scheduled(): Promise<void> {
    const today = osloToday();
    const weekday = DateTime.fromISO(today).weekday; // 1 = Monday
    const dayOfMonth = Number(today.slice(8, 10));
    const companies = await this.dataSource.query<{ company_id: string }[]>(
      `SELECT DISTINCT company_id FROM invoice_requests
       WHERE mode = 'COLLECTIVE' AND status = 'ORDERED' AND collective_run_id IS NULL`,
    );
    for (const { company_id: companyId } of companies) {
      const config = await this.settings.get(companyId);
      if (!config || config.status !== 'ACTIVE' || !config.invoicing.enabled) continue;
      const cadence = config.invoicing.collective.cadence;
      const due =
        (cadence === 'WEEKLY' && weekday === 1) || (cadence === 'MONTHLY' && dayOfMonth === 1);
      if (!due) continue;
      const [last] = await this.dataSource.query<{ last_run_on: string }[]>(
        'SELECT last_run_on::text AS last_run_on FROM collective_schedules WHERE company_id = $1',
        [companyId],
      );
      if (last && last.last_run_on >= today) continue;
      await this.plan(companyId, today);
      await this.dataSource.query(
        `INSERT INTO collective_schedules (company_id, last_run_on) VALUES ($1, $2)
         ON CONFLICT (company_id) DO UPDATE SET last_run_on = EXCLUDED.last_run_on`,
        [companyId, today],
      );
    }
    this.worker.nudge();
  }
}
