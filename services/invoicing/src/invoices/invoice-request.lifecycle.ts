import { Injectable, Logger } from '@nestjs/common';
import { TokenRejections } from '@pos-tripletex/company-settings';
import { deadLetterTopic, InvoiceStatus, InvoiceStatusV1, Topics } from '@pos-tripletex/contracts';
import { alertEvent, DeadLetterHeaders, Outbox } from '@pos-tripletex/messaging';
import { Actor, AppError, AuditTrail, backoffDelay, HeldLease } from '@pos-tripletex/platform';
import { Invoice, oreFromKroner } from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, FindOptionsWhere, IsNull, Raw } from 'typeorm';
import { InvoicingEnv } from '../config/env.schema';
import { InvoicingErrors, RETRY_ON } from '../invoicing.errors';
import {
  InvoiceRequestEntity,
  RequestModes,
  RequestStatuses,
} from './entities/invoice-request.entity';
import { invoiceFailedAlert, invoiceRetriedAlert } from './invoice.alerts';
import { InvoiceRequestOutcome, RETRY } from './invoice-request.outcome';

const { PENDING, IN_FLIGHT, ORDERED, INVOICED, CREDITED, FAILED } = RequestStatuses;

/** A request that could not be completed is tried again after 1 s, 2 s, … up to 10 minutes. */
const RETRY_BACKOFF = { firstMs: 1000, maxMs: 600_000 };

/**
 * Claims due requests for one instance: $1 at most, $2 in flight per company, a lease of $3 s.
 * Several instances run it at once; a request is never claimed by two of them while its lease
 * holds (test/claim.integration-spec.ts).
 */
export const CLAIM_DUE_REQUESTS_SQL = `WITH due AS (
           SELECT checkout_event_id, company_id,
                  row_number() OVER (PARTITION BY company_id ORDER BY next_attempt_at) AS n
           FROM invoice_requests
           WHERE (status = '${PENDING}' AND next_attempt_at <= now()) OR (status = '${IN_FLIGHT}' AND lease_until < now())
         ), picked AS (
           SELECT r.checkout_event_id FROM invoice_requests r JOIN due d USING (checkout_event_id)
           WHERE d.n <= $2
             -- Again at the locking level: when another instance claimed the row between our
             -- snapshot and our lock, PostgreSQL re-checks only these conditions on its new version.
             AND ((r.status = '${PENDING}' AND r.next_attempt_at <= now()) OR (r.status = '${IN_FLIGHT}' AND r.lease_until < now()))
             AND (SELECT count(*) FROM invoice_requests f WHERE f.company_id = r.company_id AND f.status = '${IN_FLIGHT}' AND f.lease_until >= now()) < $2
           ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED
         ), claimed AS (
           UPDATE invoice_requests r SET status = '${IN_FLIGHT}', attempts = r.attempts + 1,
             lease_until = now() + make_interval(secs => $3), lease_owner = gen_random_uuid(),
             updated_at = now()
           FROM picked WHERE r.checkout_event_id = picked.checkout_event_id
           RETURNING r.checkout_event_id, r.company_id, r.lease_owner
         ) SELECT checkout_event_id, company_id, lease_owner FROM claimed`;

/** Extends a claimed request's lease, only for the claim that holds it. */
const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE invoice_requests SET lease_until = now() + make_interval(secs => $3)
    WHERE checkout_event_id = $1 AND status = '${IN_FLIGHT}' AND lease_owner = $2
    RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

/** A claimed request, its company and the claim's owner token. */
export interface ClaimedRequest {
  checkoutEventId: string;
  companyId: string;
  leaseOwner: string;
}

/** A checkout's request as intake decided it; the lifecycle adds status, attempts and times. */
export type NewInvoiceRequest = Pick<
  InvoiceRequestEntity,
  | 'checkoutEventId'
  | 'companyId'
  | 'kind'
  | 'mode'
  | 'customerId'
  | 'customerName'
  | 'receiptNumber'
  | 'locationId'
  | 'businessDay'
  | 'totalGross'
  | 'checkout'
  | 'refundOf'
  | 'marker'
>;

const toOre = (kroner: number | undefined) =>
  kroner === undefined ? null : String(oreFromKroner(kroner));

/**
 * The invoice request from intent to result (the state diagram is in the service's README): every
 * statement that changes an `invoice_requests` row is here, and each transition publishes its
 * invoicing.invoice-status.v1 event through the outbox in the same transaction. A request that
 * fails at Tripletex is also dead-lettered there (the stored checkout on
 * pos.checkout.completed.v1.dlq); one refused at intake is dead-lettered by the consumer.
 */
@Injectable()
export class InvoiceRequestLifecycle {
  private readonly logger = new Logger(InvoiceRequestLifecycle.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly tokenRejections: TokenRejections,
    private readonly env: InvoicingEnv,
    private readonly audit: AuditTrail,
  ) {}

  /** → PENDING: a checkout's request is recorded (in the transaction of its processed-event row). */
  async received(tx: EntityManager, fields: NewInvoiceRequest): Promise<void> {
    const request = this.create(tx, fields);
    // One row per checkout: the Inbox already dropped a redelivery of this event for this group.
    await tx.getRepository(InvoiceRequestEntity).insert(request);
    await this.announce(tx, request, PENDING);
  }

  /**
   * → FAILED at intake: the company's settings say it cannot be invoiced. (The consumer
   * dead-letters the original record itself.)
   */
  async refused(tx: EntityManager, fields: NewInvoiceRequest, refusal: AppError): Promise<void> {
    const request = {
      ...this.create(tx, fields),
      status: FAILED,
      failureCode: refusal.code,
      lastError: refusal.message,
      retryOn: RETRY_ON[refusal.code] ?? null,
    };
    await tx.getRepository(InvoiceRequestEntity).insert(request);
    await this.announce(tx, request, FAILED);
  }

  /**
   * The company's settings were applied, in their transaction. Requests that came before them
   * (mode UNDECIDED) are due at once (the next poll, INVOICE_POLL_MS, takes them) instead of at
   * their next retry. And every request nothing has been done for in Tripletex yet (UNDECIDED, or
   * never attempted) takes its date from the current cut-off: the checkout's Europe/Oslo wall
   * time minus the cut-off hour, as intake derives it. A request that has been attempted keeps its
   * date, since an order may already carry it and the look-up after a crash searches by it.
   */
  async settingsApplied(tx: EntityManager, companyId: string, cutoffHour: number): Promise<void> {
    await tx.query(
      `UPDATE invoice_requests SET
         business_day = (((checkout->>'completedAt')::timestamptz AT TIME ZONE 'Europe/Oslo')
                          - make_interval(hours => $2))::date,
         next_attempt_at = CASE WHEN mode = '${RequestModes.UNDECIDED}' THEN now() ELSE next_attempt_at END
       WHERE company_id = $1 AND status = '${PENDING}'
         AND (mode = '${RequestModes.UNDECIDED}' OR attempts = 0)`,
      [companyId, cutoffHour],
    );
  }

  /**
   * PENDING (due) or IN_FLIGHT with a lapsed lease → IN_FLIGHT with a fresh lease: at most
   * `limit`, and per company no more than TRIPLETEX_MAX_CONCURRENT_PER_COMPANY in flight.
   */
  async claim(limit: number): Promise<ClaimedRequest[]> {
    const claimed = await this.dataSource.query<
      { checkout_event_id: string; company_id: string; lease_owner: string }[]
    >(CLAIM_DUE_REQUESTS_SQL, [
      limit,
      this.env.TRIPLETEX_MAX_CONCURRENT_PER_COMPANY,
      this.env.INVOICE_LEASE_SECONDS,
    ]);
    return claimed.map((row) => ({
      checkoutEventId: row.checkout_event_id,
      companyId: row.company_id,
      leaseOwner: row.lease_owner,
    }));
  }

  /**
   * Holds a claimed request's lease while the worker works (extended every third of it, so a slow
   * Tripletex never lets another instance claim it). Release it when done.
   */
  hold(claimed: ClaimedRequest): HeldLease {
    const leaseSeconds = this.env.INVOICE_LEASE_SECONDS;
    return HeldLease.hold(`invoice request ${claimed.checkoutEventId}`, {
      leaseMs: leaseSeconds * 1000,
      extend: async () =>
        (
          await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
            claimed.checkoutEventId,
            claimed.leaseOwner,
            leaseSeconds,
          ])
        ).length > 0,
      logger: this.logger,
    });
  }

  /**
   * IN_FLIGHT → the attempt's outcome, with its status event (a retry: PENDING again, due after
   * the outcome's delay or the backoff, and a refused token reported). Only while the claim still
   * holds the request and its lease has not run out (checked in the database); otherwise someone
   * else took it over and nothing is recorded.
   */
  async record(claimed: ClaimedRequest, outcome: InvoiceRequestOutcome): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      let waitingFor: string | undefined;
      const row = await tx.getRepository(InvoiceRequestEntity).findOne({
        where: {
          checkoutEventId: claimed.checkoutEventId,
          status: IN_FLIGHT,
          leaseOwner: claimed.leaseOwner,
          leaseUntil: Raw((column) => `${column} >= now()`),
        },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return; // someone else took it over after our lease ran out
      row.updatedAt = new Date();
      row.leaseUntil = null;
      row.leaseOwner = null;
      if (row.mode === RequestModes.UNDECIDED && outcome.mode !== RequestModes.UNDECIDED)
        row.mode = outcome.mode;
      switch (outcome.status) {
        case INVOICED:
        case CREDITED:
          Object.assign(row, {
            status: outcome.status,
            invoiceId: outcome.invoice?.id ?? null,
            invoiceNumber: outcome.invoice?.invoiceNumber ?? null,
            kid: outcome.invoice?.kid ?? null,
            invoiceAmount: toOre(outcome.invoice?.amount),
            orderId: outcome.orderId ?? row.orderId,
            customerName: outcome.customerName ?? row.customerName,
            failureCode: null,
            lastError: null,
          });
          break;
        case ORDERED:
          Object.assign(row, {
            status: ORDERED,
            orderId: outcome.order.id ?? null,
            customerName: outcome.customerName ?? row.customerName,
            lastError: null,
          });
          break;
        case FAILED:
          Object.assign(row, {
            status: FAILED,
            failureCode: outcome.code,
            lastError: outcome.reason,
            retryOn: RETRY_ON[outcome.code] ?? null,
          });
          await this.deadLetter(tx, row, outcome.code, outcome.reason);
          break;
        case RETRY: {
          const delay = outcome.exact
            ? outcome.afterMs
            : Math.max(outcome.afterMs, backoffDelay(RETRY_BACKOFF, row.attempts));
          // Waiting for something a person must do: told once, when the wait begins.
          if (outcome.waiting && row.lastError !== outcome.error)
            waitingFor = outcome.error.slice(0, 2000);
          Object.assign(row, {
            status: PENDING,
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
      if (outcome.status !== RETRY) await this.announce(tx, row, outcome.status);
      else if (waitingFor) await this.announce(tx, row, PENDING, waitingFor);
    });
  }

  /**
   * FAILED → PENDING, due at once, each with its PENDING status event: the requests matching
   * `where` are taken up again (an operator's retry, a replayed dead-letter record, or their cause
   * went away). The failure's text stays as the reason until the next attempt. Its attempts keep
   * counting, so the attempt looks in Tripletex for an earlier result first. Returns how many.
   */
  async retry(
    tx: EntityManager,
    where: FindOptionsWhere<InvoiceRequestEntity>,
    why: string,
  ): Promise<InvoiceRequestEntity[]> {
    const repository = tx.getRepository(InvoiceRequestEntity);
    const failed = await repository.find({
      where: { ...where, status: FAILED },
      lock: { mode: 'pessimistic_write' },
    });
    for (const row of failed) {
      Object.assign(row, {
        status: PENDING,
        nextAttemptAt: new Date(),
        failureCode: null,
        retryOn: null,
        lastError: `${why}; it had failed: ${row.lastError ?? row.failureCode ?? ''}`.slice(
          0,
          2000,
        ),
        updatedAt: new Date(),
      });
      await repository.save(row);
      await this.announce(tx, row, PENDING);
      await this.outbox.add(tx, alertEvent('invoicing', invoiceRetriedAlert(row, why)));
    }
    if (failed.length > 0)
      this.logger.log({ companyId: failed[0].companyId, requests: failed.length }, why);
    return failed;
  }

  /**
   * An operator's retry of one request: a FAILED one is taken up again, a PENDING one (waiting or
   * backing off) is due at once. Any other status is refused (INVOICING.NOT_RETRYABLE). The
   * retry and its audit record (who, the request's status before and after) commit together.
   */
  async retryByOperator(
    companyId: string,
    checkoutEventId: string,
    actor: Actor,
    correlationId?: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(InvoiceRequestEntity);
      const row = await repository.findOne({
        where: { companyId, checkoutEventId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw InvoicingErrors.notFound(checkoutEventId);
      const before = retryState(row);
      if (row.status === FAILED)
        await this.retry(tx, { companyId, checkoutEventId }, 'retried by an operator');
      else if (row.status === PENDING)
        await repository.update(checkoutEventId, { nextAttemptAt: new Date() });
      else throw InvoicingErrors.notRetryable(checkoutEventId, row.status);
      const after = await repository.findOneByOrFail({ checkoutEventId });
      await this.audit.record(tx, {
        companyId,
        actor,
        action: 'invoice.retry.requested',
        target: `invoices/${checkoutEventId}`,
        before,
        after: retryState(after),
        correlationId,
        always: true,
      });
    });
  }

  /**
   * The company's settings changed (in their transaction): when it can invoice now (ACTIVE, with
   * invoicing on), the requests that failed on its settings (not active, invoicing off, no token,
   * missing access) are taken up again, and those waiting while it needed attention are due at
   * once.
   */
  async settingsChanged(tx: EntityManager, companyId: string, canInvoice: boolean): Promise<void> {
    if (!canInvoice) return;
    await this.retry(tx, { companyId, retryOn: 'SETTINGS' }, 'the integration’s settings changed');
    await tx.query(
      `UPDATE invoice_requests SET next_attempt_at = now()
       WHERE company_id = $1 AND status = '${PENDING}' AND next_attempt_at > now()`,
      [companyId],
    );
  }

  /**
   * The open orders (ORDERED, in no run) among `checkoutEventIds`, locked for a run being planned
   * in `tx`. Re-checked after the row lock: an order another planner just took is skipped.
   */
  async takeForRun(tx: EntityManager, checkoutEventIds: string[]): Promise<InvoiceRequestEntity[]> {
    return tx.getRepository(InvoiceRequestEntity).find({
      where: checkoutEventIds.map((checkoutEventId) => ({
        checkoutEventId,
        status: ORDERED,
        collectiveRunId: IsNull(),
      })),
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Orders taken by `takeForRun` → in the collective run `runId` (same transaction). */
  async assignToRun(tx: EntityManager, checkoutEventIds: string[], runId: string): Promise<void> {
    await tx
      .getRepository(InvoiceRequestEntity)
      .update(checkoutEventIds, { collectiveRunId: runId, updatedAt: new Date() });
  }

  /** The orders of a run → INVOICED on its collective invoice, each with its status event. */
  async invoicedCollectively(tx: EntityManager, runId: string, invoice: Invoice): Promise<void> {
    const requests = await tx
      .getRepository(InvoiceRequestEntity)
      .find({ where: { collectiveRunId: runId, status: ORDERED } });
    for (const request of requests) {
      Object.assign(request, {
        status: INVOICED,
        invoiceId: invoice.id ?? null,
        invoiceNumber: invoice.invoiceNumber ?? null,
        kid: invoice.kid ?? null,
        invoiceAmount: toOre(invoice.amount),
        updatedAt: new Date(),
      });
      await tx.getRepository(InvoiceRequestEntity).save(request);
      await this.announce(tx, request, INVOICED);
    }
  }

  /**
   * Runs `effect` while the collective sale `checkoutEventId` holds an open order (ORDERED, in no
   * run) with its row locked, so no run can take the order meanwhile (planning locks the same
   * rows). Null when the sale is not open any more (taken by a run, or invoiced).
   */
  async onOpenOrder<T>(
    checkoutEventId: string,
    effect: (tx: EntityManager) => Promise<T>,
  ): Promise<{ result: T } | null> {
    return this.dataSource.transaction(async (tx) => {
      const open = await tx.getRepository(InvoiceRequestEntity).findOne({
        where: { checkoutEventId, status: ORDERED, collectiveRunId: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      return open ? { result: await effect(tx) } : null;
    });
  }

  /**
   * ORDERED → CREDITED (in onOpenOrder's transaction): a collective sale refunded in full before it
   * was invoiced; its order is gone, nothing of it is ever invoiced.
   */
  async cancelledByRefund(
    tx: EntityManager,
    checkoutEventId: string,
    refund: InvoiceRequestEntity,
  ): Promise<void> {
    const repository = tx.getRepository(InvoiceRequestEntity);
    const sale = await repository.findOneByOrFail({ checkoutEventId });
    Object.assign(sale, {
      status: CREDITED,
      creditedBy: refund.checkoutEventId,
      lastError: `refunded in full (receipt ${refund.receiptNumber}) before it was invoiced: its order was deleted`,
      updatedAt: new Date(),
    });
    await repository.save(sale);
    await this.announce(tx, sale, CREDITED);
  }

  /** A run that failed for good gives its orders back (still ORDERED) for the next run. */
  async releaseFromRun(tx: EntityManager, runId: string, reason: string): Promise<void> {
    await tx
      .getRepository(InvoiceRequestEntity)
      .update({ collectiveRunId: runId }, { collectiveRunId: null, lastError: reason });
  }

  private create(tx: EntityManager, fields: NewInvoiceRequest): InvoiceRequestEntity {
    return tx.getRepository(InvoiceRequestEntity).create({
      ...fields,
      status: PENDING,
      attempts: 0,
      nextAttemptAt: new Date(),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  }

  /** invoicing.invoice-status.v1 for the request, through the outbox (commits with the change). */
  private async announce(
    tx: EntityManager,
    request: InvoiceRequestEntity,
    status: InvoiceStatus,
    waitingFor?: string,
  ): Promise<void> {
    const event: InvoiceStatusV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: request.companyId,
      checkoutEventId: request.checkoutEventId,
      receiptNumber: request.receiptNumber,
      status,
      invoiceNumber: request.invoiceNumber ?? undefined,
      kid: request.kid ?? undefined,
      amount: request.invoiceAmount === null ? undefined : Number(request.invoiceAmount),
      invoiceId: request.invoiceId ?? undefined,
      orderId: request.orderId ?? undefined,
      code: status === FAILED ? (request.failureCode ?? undefined) : undefined,
      reason: status === FAILED ? (request.lastError ?? undefined) : waitingFor,
      retryOn: status === FAILED ? (request.retryOn ?? undefined) : undefined,
      changedAt: new Date().toISOString(),
    };
    await this.outbox.add(tx, {
      topic: Topics.InvoiceStatusV1,
      key: request.companyId,
      value: event,
      headers: {
        'event-type': Topics.InvoiceStatusV1,
        producer: 'invoicing',
        'causation-id': request.checkoutEventId,
      },
    });
    if (status === FAILED)
      await this.outbox.add(tx, alertEvent('invoicing', invoiceFailedAlert(request)));
  }

  /**
   * A checkout Tripletex's answer shows to be bad (a customer of another company, an inactive
   * customer, …) is dead-lettered like a contract violation, in the transaction of its FAILED
   * status. The value is the stored checkout re-serialised (dlq-reserialized: the original bytes
   * are not kept after intake), which replays as the same event.
   */
  private async deadLetter(
    tx: EntityManager,
    request: InvoiceRequestEntity,
    code: string,
    reason: string,
  ): Promise<void> {
    await this.outbox.add(tx, {
      topic: deadLetterTopic(Topics.CheckoutCompletedV1),
      key: request.companyId,
      value: request.checkout,
      headers: {
        [DeadLetterHeaders.OriginalTopic]: Topics.CheckoutCompletedV1,
        [DeadLetterHeaders.ConsumerGroup]: this.env.KAFKA_GROUP_ID,
        [DeadLetterHeaders.ErrorCode]: code,
        [DeadLetterHeaders.ErrorMessage]: reason.slice(0, 1000),
        [DeadLetterHeaders.Problems]: '[]',
        [DeadLetterHeaders.FailedAt]: new Date().toISOString(),
        [DeadLetterHeaders.Reserialized]: 'true',
      },
    });
  }
}

/** What an operator's retry changes of a request, for its audit record. */
function retryState(request: InvoiceRequestEntity) {
  return {
    status: request.status,
    failureCode: request.failureCode,
    retryOn: request.retryOn,
    nextAttemptAt: request.nextAttemptAt,
  };
}
