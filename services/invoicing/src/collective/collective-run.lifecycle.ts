import { Injectable, Logger } from '@nestjs/common';
import { TokenRejections } from '@pos-tripletex/company-settings';
import { Actor, AuditTrail, backoffDelay, HeldLease, osloToday } from '@pos-tripletex/platform';
import { Invoice, oreFromKroner, TripletexFailure } from '@pos-tripletex/tripletex';
import { DataSource } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { InvoiceRequestLifecycle } from '../invoices/invoice-request.lifecycle';
import { OpenOrders } from '../invoices/invoice-requests.repository';
import { CollectiveRunEntity, RunStatuses } from './entities/collective-run.entity';

const { PENDING, IN_FLIGHT, DONE, FAILED } = RunStatuses;

/** Collective runs of one company in flight at once (the rest of the company waits its turn). */
const RUNS_PER_COMPANY = 2;

/** A run Tripletex could not take is tried again after 5 s, 10 s, … up to an hour. */
const RUN_BACKOFF = { firstMs: 5_000, maxMs: 3600_000 };

/**
 * Claims due collective runs: $1 at most, $2 in flight per company, a lease of $3 s. A failed
 * attempt is due again at `next_attempt_at`; a run whose lease ran out (its worker died) is due at
 * once, and its retry looks for the invoice first.
 */
export const CLAIM_DUE_RUNS_SQL = `WITH due AS (
           SELECT id, company_id,
                  row_number() OVER (PARTITION BY company_id ORDER BY next_attempt_at, id) AS n
           FROM collective_runs
           WHERE (status = '${PENDING}' AND next_attempt_at <= now()) OR (status = '${IN_FLIGHT}' AND lease_until < now())
         ), picked AS (
           SELECT r.id FROM collective_runs r JOIN due d USING (id)
           WHERE d.n <= $2
             AND ((r.status = '${PENDING}' AND r.next_attempt_at <= now()) OR (r.status = '${IN_FLIGHT}' AND r.lease_until < now()))
             AND (SELECT count(*) FROM collective_runs f WHERE f.company_id = r.company_id AND f.status = '${IN_FLIGHT}' AND f.lease_until >= now()) < $2
           ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED
         ), claimed AS (
           UPDATE collective_runs r SET status = '${IN_FLIGHT}', attempts = r.attempts + 1,
             lease_until = now() + make_interval(secs => $3), lease_owner = gen_random_uuid()
           FROM picked WHERE r.id = picked.id
           RETURNING r.id, r.lease_owner
         ) SELECT id, lease_owner FROM claimed`;

const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE collective_runs SET lease_until = now() + make_interval(secs => $3)
    WHERE id = $1 AND status = '${IN_FLIGHT}' AND lease_owner = $2 RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** Only the claim holding the run, within its lease, may record its end. */
const OURS = `id = $1 AND status = '${IN_FLIGHT}' AND lease_owner = $2 AND lease_until >= now()`;

/** A claimed run and the claim's owner token. */
export interface ClaimedRun {
  id: string;
  leaseOwner: string;
}

/**
 * The collective run, one `:invoiceMultipleOrders` call for one customer, from intent to result:
 * PENDING (planned: the run row and its orders marked, in one transaction, so an order is never in
 * two runs) → IN_FLIGHT (claimed with a lease held by heartbeat) → DONE (its orders INVOICED, each
 * with its status event) or FAILED (its orders given back for the next run); a failure that can
 * pass makes it PENDING again, backing off.
 */
@Injectable()
export class CollectiveRunLifecycle {
  private readonly logger = new Logger(CollectiveRunLifecycle.name);
  private readonly plannedListeners: (() => void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: InvoiceRequestLifecycle,
    private readonly tokenRejections: TokenRejections,
    private readonly env: InvoicingEnv,
    private readonly audit: AuditTrail,
  ) {}

  /** Called after runs were planned (the worker looks for work at once). */
  onPlanned(listener: () => void): void {
    this.plannedListeners.push(listener);
  }

  /**
   * → PENDING: one run per customer's open orders, the orders marked with it in the same
   * transaction (an order another planner just took is skipped), with its audit record (`actor`:
   * the operator who asked for it, or the schedule).
   */
  async plan(
    companyId: string,
    customers: OpenOrders[],
    actor: Actor,
    correlationId?: string,
  ): Promise<void> {
    for (const customer of customers) {
      await this.dataSource.transaction(async (tx) => {
        const orders = await this.requests.takeForRun(tx, customer.checkouts);
        if (orders.length === 0) return;
        const run = await tx.getRepository(CollectiveRunEntity).save(
          tx.getRepository(CollectiveRunEntity).create({
            companyId,
            customerId: customer.customerId,
            orderIds: orders.map((order) => order.orderId as number),
            invoiceDate: osloToday(),
            status: PENDING,
            attempts: 0,
            nextAttemptAt: new Date(),
            createdAt: new Date(),
          }),
        );
        await this.requests.assignToRun(
          tx,
          orders.map((order) => order.checkoutEventId),
          run.id,
        );
        await this.audit.record(tx, {
          companyId,
          actor,
          action: 'collective.run.requested',
          target: `collective-runs/${run.id}`,
          before: null,
          after: {
            customerId: run.customerId,
            invoiceDate: run.invoiceDate,
            orderIds: run.orderIds,
            checkoutEventIds: orders.map((order) => order.checkoutEventId),
          },
          correlationId,
        });
      });
    }
    for (const listener of this.plannedListeners) listener();
  }

  /** Due runs → IN_FLIGHT with a lease: at most `limit`, two per company. */
  async claim(limit: number): Promise<ClaimedRun[]> {
    const rows = await this.dataSource.query<{ id: string; lease_owner: string }[]>(
      CLAIM_DUE_RUNS_SQL,
      [limit, RUNS_PER_COMPANY, this.env.INVOICE_LEASE_SECONDS],
    );
    return rows.map((row) => ({ id: String(row.id), leaseOwner: row.lease_owner }));
  }

  /** Holds a claimed run's lease while the worker works (extended every third of it). */
  hold(claimed: ClaimedRun): HeldLease {
    const leaseSeconds = this.env.INVOICE_LEASE_SECONDS;
    return HeldLease.hold(`collective run ${claimed.id}`, {
      leaseMs: leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            claimed.id,
            claimed.leaseOwner,
            leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
  }

  /** IN_FLIGHT → DONE with the invoice, its orders INVOICED – if the run is still ours. */
  async done(claimed: ClaimedRun, run: CollectiveRunEntity, invoice: Invoice): Promise<void> {
    const amount = invoice.amount === undefined ? null : String(oreFromKroner(invoice.amount));
    const ours = await this.dataSource.transaction(async (tx) => {
      const updated = await tx.query<unknown[]>(
        `WITH done AS (
           UPDATE collective_runs SET status = '${DONE}', invoice_id = $3, invoice_number = $4, kid = $5,
             amount = $6, finished_at = now(), last_error = NULL, lease_owner = NULL, lease_until = NULL
           WHERE ${OURS}
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
      await this.requests.invoicedCollectively(tx, run.id, invoice);
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
   * A failure that can pass (Tripletex away, a refused token, invoicing switched off for now)
   * makes the run PENDING again later, backing off; a refusal makes it FAILED and gives its orders
   * back, to be tried again in the next run. A refused token is reported to onboarding. `error` is
   * what the run's last_error says.
   */
  async failed(
    claimed: ClaimedRun,
    run: CollectiveRunEntity,
    failure: TripletexFailure,
    error: string,
  ): Promise<void> {
    const retriable = failure.kind !== 'final';
    const message = error.slice(0, 2000);
    const backoffMs = Math.max(
      failure.kind === 'final' ? 0 : failure.afterMs,
      backoffDelay(RUN_BACKOFF, run.attempts),
    );
    await this.dataSource.transaction(async (tx) => {
      const updated = await tx.query<unknown[]>(
        `WITH failed AS (
           UPDATE collective_runs SET status = $3, last_error = $4, lease_owner = NULL, lease_until = NULL,
             next_attempt_at = now() + make_interval(secs => $5)
           WHERE ${OURS}
           RETURNING 1 AS ours
         ) SELECT ours FROM failed`,
        [claimed.id, claimed.leaseOwner, retriable ? PENDING : FAILED, message, backoffMs / 1000],
      );
      if (updated.length > 0 && failure.kind === 'token-rejected')
        await this.tokenRejections.report(tx, {
          companyId: run.companyId,
          service: 'invoicing',
          message: failure.message,
        });
      if (updated.length > 0 && !retriable) await this.requests.releaseFromRun(tx, run.id, message);
    });
    this.logger.warn(
      { companyId: run.companyId, customerId: run.customerId },
      `collective invoice ${retriable ? 'will be retried' : 'failed'}: ${message}`,
    );
  }
}
