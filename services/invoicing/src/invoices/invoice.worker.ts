import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { counter, TestFaults, WorkLoop } from '@pos-tripletex/platform';
import { InvoicingEnv } from '../config/env.schema';
import { RequestStatuses } from './entities/invoice-request.entity';
import { ClaimedRequest, InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { RETRY } from './invoice-request.outcome';
import { InvoiceRequestsRepository } from './invoice-requests.repository';
import { InvoicerService } from './invoicer.service';

const outcomes = counter({
  name: 'pos_invoicing_requests_total',
  help: 'Invoice request attempts, by outcome (INVOICED, ORDERED, CREDITED, FAILED, RETRY)',
  labelNames: ['outcome'] as const,
});

/** The loop's own timer: a long safety net only – the worker's tick (INVOICE_POLL_MS) drives it. */
const LOOP_TIMER_MS = 60_000;

/**
 * Works through the recorded requests: claims due ones (several instances share the work with
 * SKIP LOCKED; at most TRIPLETEX_MAX_CONCURRENT_PER_COMPANY per company, so one slow or
 * rate-limited company never holds up the others), lets the invoicer work on each while holding
 * its lease, and records the outcome (InvoiceRequestLifecycle). A lease that runs out (the process
 * died mid-call) makes the request due again, and that retry looks for the earlier result first.
 *
 * It claims only when something may have become claimable since its last claim came back short:
 * one of its own requests finished (its company has a free slot), a request arrived for a company
 * that does not have its share in flight here (`nudge`), or the tick (INVOICE_POLL_MS: retries
 * come due, leases lapse, other instances finish). So a burst of checkouts for a company already
 * at its share costs no claim each – their company's next free slot claims them.
 */
@Injectable()
export class InvoiceWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvoiceWorker.name);
  private readonly loop = new WorkLoop<ClaimedRequest>({
    name: 'invoice worker',
    concurrency: () => this.env.INVOICE_WORKERS,
    claim: (limit) => this.claim(limit),
    handle: async (claimed) => {
      try {
        await this.handle(claimed);
      } finally {
        this.finished(claimed);
      }
    },
    describe: (claimed) => ({ checkout: claimed.checkoutEventId }),
    logger: this.logger,
  });

  /** Whether a claim may find something its last one did not. */
  private claimable = true;
  /** This instance's requests in flight, per company. */
  private readonly inFlight = new Map<string, number>();
  private tick?: NodeJS.Timeout;

  constructor(
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly requests: InvoiceRequestsRepository,
    private readonly invoicer: InvoicerService,
    private readonly env: InvoicingEnv,
    private readonly faults: TestFaults,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(LOOP_TIMER_MS);
    this.tick = setInterval(() => this.nudge(), this.env.INVOICE_POLL_MS);
    this.tick.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.tick);
    await this.loop.stop();
  }

  /**
   * Look for work now: requests were recorded or made due (of `companyId` when only one company's
   * are new – nothing to claim while this instance has that company's share in flight: the first
   * of them to finish claims the next).
   */
  nudge(companyId?: string): void {
    if (
      companyId !== undefined &&
      (this.inFlight.get(companyId) ?? 0) >= this.env.TRIPLETEX_MAX_CONCURRENT_PER_COMPANY
    )
      return;
    this.claimable = true;
    this.loop.nudge();
  }

  /** Due requests for the free slots, unless nothing can have become claimable since the last. */
  private async claim(limit: number): Promise<ClaimedRequest[]> {
    if (!this.claimable) return [];
    // Anything that happens from here on (a request finishing, a nudge) makes the next claim look.
    this.claimable = false;
    const claimed = await this.lifecycle.claim(limit);
    for (const { companyId } of claimed)
      this.inFlight.set(companyId, (this.inFlight.get(companyId) ?? 0) + 1);
    if (claimed.length >= limit) this.claimable = true; // there may be more
    return claimed;
  }

  /** A claimed request is done with (recorded, retried later, or given up): its slot is free. */
  private finished(claimed: ClaimedRequest): void {
    const left = (this.inFlight.get(claimed.companyId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(claimed.companyId, left);
    else this.inFlight.delete(claimed.companyId);
    this.claimable = true;
  }

  /**
   * A worker that lost the lease gives up before its next Tripletex effect and records nothing;
   * the next owner finds an effect that happened by the marker on the order.
   */
  private async handle(claimed: ClaimedRequest): Promise<void> {
    const lease = this.lifecycle.hold(claimed);
    try {
      const request = await this.requests.get(claimed.checkoutEventId);
      const outcome = await this.invoicer.process(request, lease);
      if (lease.lost) return;
      // The exactly-once fault test dies here: Tripletex has acted, nothing is recorded yet.
      if (outcome.status !== RETRY && outcome.status !== RequestStatuses.FAILED)
        this.faults.afterTripletexCall();
      outcomes.inc({ outcome: outcome.status });
      await this.lifecycle.record(claimed, outcome);
      if (outcome.status === RETRY)
        this.logger.warn(
          { checkout: request.checkoutEventId, companyId: request.companyId },
          `will retry: ${outcome.error}`,
        );
    } finally {
      await lease.release();
    }
  }
}
