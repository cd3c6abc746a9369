import { Injectable, Logger } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import {
  Actor,
  addDays,
  counter,
  describeError,
  HeldLease,
  osloToday,
} from '@pos-tripletex/platform';
import {
  classifyFailure,
  CompanyClients,
  Invoice,
  TripletexFailure,
} from '@pos-tripletex/tripletex';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvoicingEnv } from '../config/env.schema';
import { InvoiceRequestsRepository, OpenOrders } from '../invoices/invoice-requests.repository';
import { InvoicingErrors } from '../invoicing.errors';
import { CollectiveRunLifecycle } from './collective-run.lifecycle';
import { CollectiveRepository } from './collective.repository';
import { CollectiveRunEntity, RunStatus, RunStatuses } from './entities/collective-run.entity';

export interface CollectivePreview {
  upTo: string;
  customers: OpenOrders[];
}

export interface RunResult {
  customerId: number;
  /** PENDING: still being invoiced when the answer was given (see the invoice-status events). */
  status: Exclude<RunStatus, typeof RunStatuses.IN_FLIGHT>;
  invoiceNumber?: number;
  orders: number;
  error?: string;
}

/** What one attempt at a run came to: its invoice, or why not (Tripletex's classification). */
export type RunOutcome = { invoice: Invoice } | { failure: TripletexFailure; error: string };

/**
 * Orders delivered in a month must be invoiced by the end of the next (ACCOUNTING.md): in the last
 * FORCE_DAYS days of a month every order of earlier months is invoiced, and any order older than
 * the month before (the service was down through that window) at once. The business day before
 * which open orders are forced on `today`.
 */
export function forcedUpTo(today: string): string {
  const day = DateTime.fromISO(today);
  const thisMonth = day.startOf('month');
  const lastWeek = day.day > (day.daysInMonth ?? 28) - FORCE_DAYS;
  return (lastWeek ? thisMonth : thisMonth.minus({ months: 1 })).toISODate() as string;
}

/** How many days before the month's end the deadline forces a run. */
const FORCE_DAYS = 7;

const forcedRuns = counter({
  name: 'pos_invoicing_collective_forced_runs_total',
  help: 'Collective runs forced because orders would pass the end of the month after delivery',
});

/** How often the HTTP run looks whether its runs are done. */
const RESULTS_POLL_MS = 250;

/** Who the audit trail names for the runs the service plans on its own. */
const SCHEDULE = Actor.system('collective-schedule');
const DEADLINE = Actor.system('collective-deadline');

const invoicingOn = (config: IntegrationConfigV1 | null): config is IntegrationConfigV1 =>
  !!config && config.status === 'ACTIVE' && config.invoicing.enabled;

/**
 * Collective invoicing: each checkout is already an order in Tripletex; a run invoices all open
 * orders of one customer with one `:invoiceMultipleOrders` call (Tripletex allows only one order
 * per regular invoice). Runs are planned on the company's cadence (weekly on Mondays, monthly on
 * the 1st, for sales before that day) and on demand; the collective worker claims them like any
 * other work (CollectiveRunLifecycle), and a retry first checks whether the orders were invoiced
 * already.
 */
@Injectable()
export class CollectiveService {
  private readonly logger = new Logger(CollectiveService.name);

  constructor(
    private readonly settings: CompanySettingsService,
    private readonly clients: CompanyClients,
    private readonly requests: InvoiceRequestsRepository,
    private readonly lifecycle: CollectiveRunLifecycle,
    private readonly runs: CollectiveRepository,
    private readonly env: InvoicingEnv,
  ) {}

  async preview(
    companyId: string,
    upTo = addDays(osloToday(), 1),
    customerId?: number,
  ): Promise<CollectivePreview> {
    return { upTo, customers: await this.requests.openOrders(companyId, upTo, customerId) };
  }

  /**
   * Invoices every open order with a business day before `upTo`, one invoice per customer: plans
   * the runs, lets the workers do them, and answers once they are done (or after
   * COLLECTIVE_RUN_WAIT_MS with the unfinished ones PENDING). Runs left unfinished earlier are
   * included. Each new run is recorded in the audit trail as `actor`'s.
   */
  async run(
    companyId: string,
    actor: Actor,
    upTo = addDays(osloToday(), 1),
    customerId?: number,
    correlationId?: string,
  ): Promise<RunResult[]> {
    if (!invoicingOn(await this.settings.get(companyId))) return [];
    const ids = await this.plan(companyId, actor, upTo, customerId, correlationId);
    return this.results(ids, this.env.COLLECTIVE_RUN_WAIT_MS);
  }

  /**
   * Records one run per customer with open orders before `upTo`; returns the ids of the
   * company's unfinished runs, new and earlier.
   */
  async plan(
    companyId: string,
    actor: Actor,
    upTo: string,
    customerId?: number,
    correlationId?: string,
  ): Promise<string[]> {
    const { customers } = await this.preview(companyId, upTo, customerId);
    await this.lifecycle.plan(companyId, customers, actor, correlationId);
    return this.runs.unfinished(companyId, customerId);
  }

  /**
   * Plans the runs of the companies whose cadence is due today (and have not run today), and,
   * whatever the cadence (ON_DEMAND too), forces a run for orders that would otherwise stay
   * un-invoiced past the end of the month after their delivery month (forcedUpTo). Returns the
   * companies whose run was forced (each is also logged as a warning and counted).
   */
  async planDue(today = osloToday()): Promise<string[]> {
    const weekday = DateTime.fromISO(today).weekday; // 1 = Monday
    const dayOfMonth = Number(today.slice(8, 10));
    const forced: string[] = [];
    for (const companyId of await this.requests.companiesWithOpenOrders()) {
      const config = await this.settings.get(companyId);
      if (!invoicingOn(config)) continue;
      const deadline = forcedUpTo(today);
      const late = await this.requests.openOrders(companyId, deadline);
      if (late.length > 0) {
        await this.plan(companyId, DEADLINE, deadline);
        forced.push(companyId);
        forcedRuns.inc();
        this.logger.warn(
          {
            companyId,
            customers: late.length,
            orders: late.reduce((sum, customer) => sum + customer.orders, 0),
          },
          `collective orders delivered before ${deadline} would pass their deadline (the end of the month after delivery): a run is forced`,
        );
      }
      const cadence = config.invoicing.collective.cadence;
      const due =
        (cadence === 'WEEKLY' && weekday === 1) || (cadence === 'MONTHLY' && dayOfMonth === 1);
      if (!due) continue;
      const last = await this.runs.lastScheduledRun(companyId);
      if (last && last >= today) continue;
      await this.plan(companyId, SCHEDULE, today);
      await this.runs.scheduledRunOn(companyId, today);
    }
    return forced;
  }

  /**
   * One attempt at a claimed run: the invoice of its orders. A retry first looks for an invoice
   * of the run's date holding all its orders (the earlier call may have gone through). A company
   * whose invoicing is off now keeps its run waiting (backing off) rather than giving its orders
   * back. `lease` is checked right before the invoice is created.
   */
  async invoice(run: CollectiveRunEntity, lease: HeldLease): Promise<RunOutcome> {
    const config = await this.settings.get(run.companyId);
    if (!invoicingOn(config)) {
      const error = describeError(InvoicingErrors.notEnabled());
      return { failure: { kind: 'retry', afterMs: 0, message: error }, error };
    }
    try {
      const client = this.clients.forCompany(
        config.companyId,
        config.tripletex?.employeeToken,
        InvoicingErrors.noToken,
      );
      let invoice: Invoice | undefined;
      if (run.attempts > 1) {
        const invoices = await client.listInvoices({
          customerId: String(run.customerId),
          invoiceDateFrom: run.invoiceDate,
          invoiceDateTo: addDays(run.invoiceDate, 1),
          fields: 'id,invoiceNumber,kid,amount,isCreditNote,orders(id)',
        });
        invoice = (invoices.values ?? []).find(
          (candidate) =>
            !candidate.isCreditNote &&
            run.orderIds.every((id) => (candidate.orders ?? []).some((order) => order.id === id)),
        );
      }
      if (!invoice) {
        lease.throwIfLost();
        invoice = await client.invoiceMultipleOrders(run.orderIds, run.invoiceDate, {
          sendToCustomer: config.invoicing.sendToCustomer,
        });
      }
      return { invoice };
    } catch (error) {
      return { failure: classifyFailure(error), error: describeError(error) };
    }
  }

  private async results(ids: string[], waitMs: number): Promise<RunResult[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const runs = await this.runs.runs(ids);
      const finished = runs.every(
        (run) => run.status === RunStatuses.DONE || run.status === RunStatuses.FAILED,
      );
      if (finished || Date.now() >= deadline)
        return runs.map((run) => ({
          customerId: run.customerId,
          status:
            run.status === RunStatuses.DONE || run.status === RunStatuses.FAILED
              ? run.status
              : RunStatuses.PENDING,
          invoiceNumber: run.invoiceNumber ?? undefined,
          orders: run.orderIds.length,
          error: run.status === RunStatuses.DONE ? undefined : (run.lastError ?? undefined),
        }));
      await sleep(RESULTS_POLL_MS);
    }
  }
}
