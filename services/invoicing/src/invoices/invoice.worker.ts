import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { DeadLetterHeaders, Outbox } from '@pos-tripletex/messaging';
import { backoffDelay, counter, HeldLease, TestFaults, WorkLoop } from '@pos-tripletex/platform';
import { oreFromKroner } from '@pos-tripletex/tripletex';
import { CompanySettingsService, TokenRejections } from '@pos-tripletex/company-settings';
import { DataSource, Raw } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';
import { InvoiceStatusPublisher } from './invoice-status';
import { Invoicer, Outcome } from './invoicer';

const outcomes = counter({
  name: 'pos_invoicing_requests_total',
  help: 'Invoice request attempts, by outcome (INVOICED, ORDERED, CREDITED, FAILED, RETRY)',
  labelNames: ['outcome'] as const,
});

/** A request that could not be completed is tried again after 1 s, 2 s, … up to 10 minutes. */
const RETRY_BACKOFF = { firstMs: 1000, maxMs: 600_000 };

const toOre = (kroner: number | undefined) =>
  kroner === undefined ? null : String(oreFromKroner(kroner));

/**
 * Claims due requests for one instance: $1 at most, $2 in flight per company, a lease of $3 s.
 * Several instances run it at once; a request is never claimed by two of them while its lease
 * holds (test/claim.integration-spec.ts).
 */
export const CLAIM_DUE_REQUESTS_SQL = `WITH due AS (
           SELECT checkout_event_id, company_id,
                  row_number() OVER (PARTITION BY company_id ORDER BY next_attempt_at) AS n
           FROM invoice_requests
           WHERE (status = 'PENDING' AND next_attempt_at <= now()) OR (status = 'IN_FLIGHT' AND lease_until < now())
         ), picked AS (
           SELECT r.checkout_event_id FROM invoice_requests r JOIN due d USING (checkout_event_id)
           WHERE d.n <= $2
             -- Again at the locking level: when another instance claimed the row between our
             -- snapshot and our lock, PostgreSQL re-checks only these conditions on its new version.
             AND ((r.status = 'PENDING' AND r.next_attempt_at <= now()) OR (r.status = 'IN_FLIGHT' AND r.lease_until < now()))
             AND (SELECT count(*) FROM invoice_requests f WHERE f.company_id = r.company_id AND f.status = 'IN_FLIGHT' AND f.lease_until >= now()) < $2
           ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED
         ), claimed AS (
           UPDATE invoice_requests r SET status = 'IN_FLIGHT', attempts = r.attempts + 1,
             lease_until = now() + make_interval(secs => $3), lease_owner = gen_random_uuid(),
             updated_at = now()
           FROM picked WHERE r.checkout_event_id = picked.checkout_event_id
           RETURNING r.checkout_event_id, r.lease_owner
         ) SELECT checkout_event_id, lease_owner FROM claimed`;

/** Extends a claimed request's lease, only for the claim that holds it. */
const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE invoice_requests SET lease_until = now() + make_interval(secs => $3)
    WHERE checkout_event_id = $1 AND status = 'IN_FLIGHT' AND lease_owner = $2
    RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** A claimed request and the claim's owner token. */
interface Claimed {
  checkoutEventId: string;
  leaseOwner: string;
}

/**
 * Works through the recorded requests: claims due ones (several instances share the work with
 * SKIP LOCKED; at most TRIPLETEX_MAX_CONCURRENT_PER_COMPANY per company, so one slow or
 * rate-limited company never holds up the others), marks them IN_FLIGHT with a lease before
 * calling Tripletex, and records the outcome with its status event in one transaction. A lease
 * that runs out (the process died mid-call) makes the request due again, and that retry looks for
 * the earlier result first.
 */
@Injectable()
export class InvoiceWorker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvoiceWorker.name);
  private readonly loop = new WorkLoop<Claimed>({
    name: 'invoice worker',
    concurrency: () => this.env.INVOICE_WORKERS,
    claim: (limit) => this.claim(limit),
    handle: (id) => this.handle(id),
    describe: (claimed) => ({ checkout: claimed.checkoutEventId }),
    logger: this.logger,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly invoicer: Invoicer,
    private readonly statuses: InvoiceStatusPublisher,
    private readonly outbox: Outbox,
    private readonly env: InvoicingEnv,
    private readonly settings: CompanySettingsService,
    private readonly tokenRejections: TokenRejections,
    private readonly faults: TestFaults,
  ) {}

  onModuleInit(): void {
    // Requests that came before their company's settings are due the moment the settings commit
    // (the next poll, INVOICE_POLL_MS, takes them) instead of at their next retry.
    this.settings.onApplied(async (next, _previous, tx) => {
      await tx.query(
        `UPDATE invoice_requests SET next_attempt_at = now()
         WHERE company_id = $1 AND mode = 'UNDECIDED' AND status = 'PENDING'`,
        [next.companyId],
      );
    });
  }

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

  /** Claims due requests: at most `limit`, and per company no more than its concurrency allows. */
  private async claim(limit: number): Promise<Claimed[]> {
    const claimed = await this.dataSource.query<
      { checkout_event_id: string; lease_owner: string }[]
    >(CLAIM_DUE_REQUESTS_SQL, [
      limit,
      this.env.TRIPLETEX_MAX_CONCURRENT_PER_COMPANY,
      this.leaseSeconds,
    ]);
    return claimed.map((c) => ({
      checkoutEventId: c.checkout_event_id,
      leaseOwner: c.lease_owner,
    }));
  }

  private get leaseSeconds(): number {
    return this.env.INVOICE_LEASE_SECONDS;
  }

  /**
   * Works on a claimed request while holding its lease (extended every third of it, so a slow
   * Tripletex never lets another instance claim it). A worker that lost the lease gives up before
   * its next Tripletex effect and records nothing; the next owner finds an effect that happened
   * by the marker on the order.
   */
  private async handle(claimed: Claimed): Promise<void> {
    const { checkoutEventId, leaseOwner } = claimed;
    const lease = HeldLease.hold(`invoice request ${checkoutEventId}`, {
      leaseMs: this.leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            checkoutEventId,
            leaseOwner,
            this.leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
    try {
      await this.work(claimed, lease);
    } finally {
      await lease.release();
    }
  }

  private async work(claimed: Claimed, lease: HeldLease): Promise<void> {
    const repo = this.dataSource.getRepository(InvoiceRequestEntity);
    const request = await repo.findOneByOrFail({ checkoutEventId: claimed.checkoutEventId });
    const outcome = await this.invoicer.process(
      request,
      () =>
        request.refundOf
          ? repo.findOneBy({ checkoutEventId: request.refundOf, companyId: request.companyId })
          : Promise.resolve(null),
      lease,
    );
    if (lease.lost) return;
    // The exactly-once fault test dies here: Tripletex has acted, nothing is recorded yet.
    if (outcome.status !== 'RETRY' && outcome.status !== 'FAILED') this.faults.afterTripletexCall();
    await this.record(request, outcome, claimed.leaseOwner);
  }

  private async record(
    r: InvoiceRequestEntity,
    outcome: Outcome,
    leaseOwner: string,
  ): Promise<void> {
    outcomes.inc({ outcome: outcome.status });
    await this.dataSource.transaction(async (tx) => {
      // Ours only while our claim holds it and its lease has not run out (checked in the database).
      const row = await tx.getRepository(InvoiceRequestEntity).findOne({
        where: {
          checkoutEventId: r.checkoutEventId,
          status: 'IN_FLIGHT',
          leaseOwner,
          leaseUntil: Raw((column) => `${column} >= now()`),
        },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return; // someone else took it over after our lease ran out
      row.updatedAt = new Date();
      row.leaseUntil = null;
      row.leaseOwner = null;
      if (row.mode === 'UNDECIDED' && r.mode !== 'UNDECIDED') row.mode = r.mode;
      switch (outcome.status) {
        case 'INVOICED':
        case 'CREDITED':
          Object.assign(row, {
            status: outcome.status,
            invoiceId: outcome.invoice.id ?? null,
            invoiceNumber: outcome.invoice.invoiceNumber ?? null,
            kid: outcome.invoice.kid ?? null,
            invoiceAmount: toOre(outcome.invoice.amount),
            orderId: outcome.status === 'INVOICED' ? (outcome.orderId ?? row.orderId) : row.orderId,
            customerName: outcome.customerName ?? row.customerName,
            failureCode: null,
            lastError: null,
          });
          break;
        case 'ORDERED':
          Object.assign(row, {
            status: 'ORDERED',
            orderId: outcome.order.id ?? null,
            customerName: outcome.customerName ?? row.customerName,
            lastError: null,
          });
          break;
        case 'FAILED':
          Object.assign(row, {
            status: 'FAILED',
            failureCode: outcome.code,
            lastError: outcome.reason,
          });
          await this.deadLetter(tx, row, outcome.code, outcome.reason);
          break;
        case 'RETRY': {
          const delay = outcome.exact
            ? outcome.afterMs
            : Math.max(outcome.afterMs, backoffDelay(RETRY_BACKOFF, row.attempts));
          Object.assign(row, {
            status: 'PENDING',
            nextAttemptAt: new Date(Date.now() + delay),
            lastError: outcome.error.slice(0, 2000),
          });
          if (outcome.unauthorized)
            await this.tokenRejections.report(tx, {
              companyId: row.companyId,
              service: 'invoicing',
              message: outcome.error,
            });
          break;
        }
      }
      await tx.getRepository(InvoiceRequestEntity).save(row);
      if (outcome.status !== 'RETRY') await this.statuses.publish(tx, row, outcome.status);
    });
    if (outcome.status === 'RETRY')
      this.logger.warn(
        { checkout: r.checkoutEventId, companyId: r.companyId },
        `will retry: ${outcome.error}`,
      );
  }

  /**
   * A checkout Tripletex's answer shows to be bad (a customer of another company, an inactive
   * customer, …) is dead-lettered like a contract violation, in the transaction of its FAILED
   * status. The value is the stored checkout re-serialised (dlq-reserialized: the original bytes
   * are not kept after intake), which replays as the same event.
   */
  private async deadLetter(
    tx: import('typeorm').EntityManager,
    r: InvoiceRequestEntity,
    code: string,
    reason: string,
  ): Promise<void> {
    await this.outbox.add(tx, {
      topic: deadLetterTopic(Topics.CheckoutCompletedV1),
      key: r.companyId,
      value: r.checkout,
      headers: {
        [DeadLetterHeaders.OriginalTopic]: Topics.CheckoutCompletedV1,
        [DeadLetterHeaders.ConsumerGroup]: this.env.KAFKA_GROUP_ID,
        [DeadLetterHeaders.ErrorCode]: code,
        [DeadLetterHeaders.ErrorMessage]: reason.slice(0, 1000),
        [DeadLetterHeaders.Problems]: '[]',
        [DeadLetterHeaders.FailedAt]: new Date().toISOString(),
        'dlq-reserialized': 'true',
      },
    });
  }
}
