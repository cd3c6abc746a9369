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

/**
 * Works through the recorded requests: claims due ones (several instances share the work with
 * SKIP LOCKED; at most TRIPLETEX_MAX_CONCURRENT_PER_COMPANY per company, so one slow or
 * rate-limited company never holds up the others), lets the invoicer work on each while holding
 * its lease, and records the outcome (InvoiceRequestLifecycle). A lease that runs out (the process
 * died mid-call) makes the request due again, and that retry looks for the earlier result first.
 */
@Injectable()
export class InvoiceWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvoiceWorker.name);
  private readonly loop = new WorkLoop<ClaimedRequest>({
    name: 'invoice worker',
    concurrency: () => this.env.INVOICE_WORKERS,
    claim: (limit) => this.lifecycle.claim(limit),
    handle: (claimed) => this.handle(claimed),
    describe: (claimed) => ({ checkout: claimed.checkoutEventId }),
    logger: this.logger,
  });

  constructor(
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly requests: InvoiceRequestsRepository,
    private readonly invoicer: InvoicerService,
    private readonly env: InvoicingEnv,
    private readonly faults: TestFaults,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.env.INVOICE_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Look for work now (a checkout was just recorded). */
  nudge(): void {
    this.loop.nudge();
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
