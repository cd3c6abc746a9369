import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { eventually, MediumTest, testOperator } from '@pos-tripletex/testing';
import {
  aCompany,
  anInvoiceCheckout,
  applySettings,
  InvoicingCompany,
  outboxEvents,
  quiet,
  startInvoicing,
  takeIn,
} from '../../test/invoicing.medium-kit';
import { RequestModes, RequestStatuses } from './entities/invoice-request.entity';
import { ClaimedRequest, InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceRequestOutcome, RETRY } from './invoice-request.outcome';
import { InvoiceRequestsRepository } from './invoice-requests.repository';

// The invoice request's transitions against real PostgreSQL: claims (fair per company, never two
// owners while a lease holds), leases, and the outcomes the worker records – each with the status
// event it publishes in the same transaction. The service's own workers are stopped.

const LEASE_SECONDS = 2;
const PER_COMPANY = 3;

let medium: MediumTest;
let lifecycle: InvoiceRequestLifecycle;
let requests: InvoiceRequestsRepository;

beforeAll(async () => {
  medium = await startInvoicing('invoicing_lifecycle', {
    INVOICE_LEASE_SECONDS: String(LEASE_SECONDS),
    TRIPLETEX_MAX_CONCURRENT_PER_COMPANY: String(PER_COMPANY),
  });
  await quiet(medium);
  lifecycle = medium.get(InvoiceRequestLifecycle);
  requests = medium.get(InvoiceRequestsRepository);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

// Claims take any due request of the schema: every test starts with none.
afterEach(async () => {
  await medium.schema.query('DELETE FROM invoice_requests');
});

/** `count` requests of the company, taken in; their checkout event ids. */
async function requestsOf(company: InvoicingCompany, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const request = await takeIn(medium, anInvoiceCheckout(company));
    ids.push(request!.checkoutEventId);
  }
  return ids;
}

/** Claims the one request due (the test made exactly one). */
async function claimOne(): Promise<ClaimedRequest> {
  const claimed = await lifecycle.claim(10);
  expect(claimed).toHaveLength(1);
  return claimed[0];
}

/** The status events the outbox holds for a checkout, in order. */
async function statusEvents(checkoutEventId: string): Promise<Record<string, any>[]> {
  return (await outboxEvents(medium, Topics.InvoiceStatusV1)).filter(
    (event) => event.checkoutEventId === checkoutEventId,
  );
}

const anInvoice = { id: 501, invoiceNumber: 10_001, kid: '0100018', amount: 123.45 };

describe(InvoiceRequestLifecycle.name, () => {
  it('records a checkout’s request as PENDING and says so', async () => {
    const company = await aCompany(medium);
    const [id] = await requestsOf(company, 1);

    expect(await requests.get(id)).toMatchObject({ status: RequestStatuses.PENDING, attempts: 0 });
    expect(await statusEvents(id)).toEqual([
      expect.objectContaining({ status: RequestStatuses.PENDING, companyId: company.companyId }),
    ]);
  });

  it('claims no more of one company than its share, and another company’s request beside them', async () => {
    const [busy, quietOne] = [await aCompany(medium), await aCompany(medium)];
    const backlog = await requestsOf(busy, PER_COMPANY + 3);
    const [single] = await requestsOf(quietOne, 1);

    const claimed = (await lifecycle.claim(20)).map((claim) => claim.checkoutEventId);

    expect(claimed).toHaveLength(PER_COMPANY + 1);
    expect(claimed).toContain(single);
    expect(claimed.filter((id) => backlog.includes(id))).toHaveLength(PER_COMPANY);
    // The busy company has its share in flight: nothing more of it until one is done.
    expect(await lifecycle.claim(20)).toEqual([]);
  });

  it('marks a claim IN_FLIGHT with a lease and counts the attempt', async () => {
    const [id] = await requestsOf(await aCompany(medium), 1);

    const claimed = await claimOne();

    const request = await requests.get(id);
    expect(request).toMatchObject({
      status: RequestStatuses.IN_FLIGHT,
      attempts: 1,
      leaseOwner: claimed.leaseOwner,
    });
    expect(request.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('keeps a held lease beyond its length, so nobody else claims the request', async () => {
    await requestsOf(await aCompany(medium), 1);
    const lease = lifecycle.hold(await claimOne());
    try {
      await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1500));
      expect(await lifecycle.claim(10)).toEqual([]);
      expect(lease.lost).toBe(false);
    } finally {
      await lease.release();
    }
  });

  it('hands a request out again once its lease has lapsed, and the old claim records nothing', async () => {
    const [id] = await requestsOf(await aCompany(medium), 1);
    const first = await claimOne();
    const second = await eventually(
      async () => {
        const [claimed] = await lifecycle.claim(10);
        expect(claimed).toBeDefined();
        return claimed;
      },
      { timeoutMs: LEASE_SECONDS * 3000 },
    );

    await lifecycle.record(first, {
      status: RequestStatuses.INVOICED,
      invoice: anInvoice,
      mode: RequestModes.SINGLE,
    });

    expect(await requests.get(id)).toMatchObject({
      status: RequestStatuses.IN_FLIGHT,
      attempts: 2,
      leaseOwner: second.leaseOwner,
      invoiceNumber: null,
    });
    expect((await statusEvents(id)).map((event) => event.status)).toEqual([
      RequestStatuses.PENDING,
    ]);
  });

  it.each<[string, InvoiceRequestOutcome, Record<string, unknown>]>([
    [
      RequestStatuses.INVOICED,
      {
        status: RequestStatuses.INVOICED,
        invoice: anInvoice,
        orderId: 77,
        customerName: 'Fjordkanten AS',
        mode: RequestModes.SINGLE,
      },
      { invoiceNumber: 10_001, kid: '0100018', amount: 12_345, invoiceId: 501, orderId: 77 },
    ],
    [
      RequestStatuses.ORDERED,
      {
        status: RequestStatuses.ORDERED,
        order: { id: 78 },
        customerName: 'Fjordkanten AS',
        mode: RequestModes.COLLECTIVE,
      },
      { orderId: 78 },
    ],
    [
      RequestStatuses.CREDITED,
      {
        status: RequestStatuses.CREDITED,
        invoice: { ...anInvoice, amount: -123.45 },
        mode: RequestModes.SINGLE,
      },
      { invoiceNumber: 10_001, amount: -12_345 },
    ],
    [
      RequestStatuses.FAILED,
      {
        status: RequestStatuses.FAILED,
        code: 'INVOICING.CUSTOMER_INACTIVE',
        reason: 'Customer Fjordkanten AS is inactive in Tripletex.',
        mode: RequestModes.SINGLE,
      },
      {
        code: 'INVOICING.CUSTOMER_INACTIVE',
        reason: 'Customer Fjordkanten AS is inactive in Tripletex.',
      },
    ],
  ])('records %s with its status event', async (status, outcome, event) => {
    const [id] = await requestsOf(await aCompany(medium), 1);

    await lifecycle.record(await claimOne(), outcome);

    expect(await requests.get(id)).toMatchObject({ status, leaseOwner: null, leaseUntil: null });
    expect((await statusEvents(id)).map((published) => published.status)).toEqual([
      RequestStatuses.PENDING,
      status,
    ]);
    expect((await statusEvents(id)).at(-1)).toMatchObject(event);
  });

  it('dead-letters a FAILED request’s checkout in the transaction of its status', async () => {
    const [id] = await requestsOf(await aCompany(medium), 1);

    await lifecycle.record(await claimOne(), {
      status: RequestStatuses.FAILED,
      code: 'INVOICING.CUSTOMER_UNKNOWN',
      reason: 'Customer 999999 does not exist in Tripletex for this company.',
      mode: RequestModes.SINGLE,
    });

    const [letter] = await medium.schema.query<{ value: string; headers: Record<string, string> }>(
      'SELECT value, headers FROM outbox_messages WHERE topic = $1 AND value LIKE $2',
      [deadLetterTopic(Topics.CheckoutCompletedV1), `%${id}%`],
    );
    expect(JSON.parse(letter.value)).toMatchObject({ eventId: id });
    expect(letter.headers).toMatchObject({
      'dlq-original-topic': Topics.CheckoutCompletedV1,
      'dlq-consumer-group': medium.env.KAFKA_GROUP_ID,
      'dlq-error-code': 'INVOICING.CUSTOMER_UNKNOWN',
      'dlq-reserialized': 'true',
    });
  });

  it('opens invoice-failed with a FAILED request, and resolves it when an operator retries it', async () => {
    const company = await aCompany(medium);
    const [id] = await requestsOf(company, 1);
    await lifecycle.record(await claimOne(), {
      status: RequestStatuses.FAILED,
      code: 'INVOICING.CUSTOMER_INACTIVE',
      reason: 'Customer Fjordkanten AS is inactive in Tripletex.',
      mode: RequestModes.SINGLE,
    });
    const alerts = async () =>
      (await outboxEvents(medium, Topics.AlertsV1)).filter(
        (alert) => alert.alertKey === `invoice-failed:${id}`,
      );
    expect(await alerts()).toEqual([
      expect.objectContaining({
        companyId: company.companyId,
        kind: 'INVOICE_FAILED',
        state: 'OPEN',
        severity: 'CRITICAL',
        source: 'invoicing',
        message:
          'Customer Fjordkanten AS is inactive in Tripletex. It is retried on its own once the ' +
          'customer is corrected (or activated) in Tripletex.',
        details: expect.objectContaining({
          checkoutEventId: id,
          code: 'INVOICING.CUSTOMER_INACTIVE',
        }),
      }),
    ]);
    await lifecycle.retryByOperator(company.companyId, id, testOperator);
    expect((await alerts()).map((alert) => alert.state)).toEqual(['OPEN', 'RESOLVED']);
    expect((await alerts())[1]).toMatchObject({
      message: 'Taken up again: retried by an operator.',
    });
  });

  it('refuses a gift card sold on an invoice with the reason, as a FAILED request', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, {
      lines: [{ unitPriceGross: 50_000, vatRate: 0, lineType: 'GIFT_CARD' }],
    });
    const id = checkout.eventId as string;
    expect(await takeIn(medium, checkout)).toMatchObject({
      status: RequestStatuses.FAILED,
      failureCode: 'INVOICING.GIFT_CARD_ON_INVOICE',
    });
    expect(await statusEvents(id)).toEqual([
      expect.objectContaining({ status: RequestStatuses.FAILED }),
    ]);
    // Nothing for the worker to do: the reason is final (the dead letter goes straight to Kafka,
    // as for every intake refusal: the flow suite reads it there).
    expect(await lifecycle.claim(10)).toEqual([]);
  });

  it('makes a retried request PENDING again, due after the backoff, without a status event', async () => {
    const [id] = await requestsOf(await aCompany(medium), 1);

    await lifecycle.record(await claimOne(), {
      status: RETRY,
      afterMs: 30_000,
      error: 'Tripletex answered 503',
      mode: RequestModes.SINGLE,
    });

    const request = await requests.get(id);
    expect(request).toMatchObject({
      status: RequestStatuses.PENDING,
      lastError: 'Tripletex answered 503',
      leaseOwner: null,
    });
    expect(request.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect(await lifecycle.claim(10)).toEqual([]);
    expect((await statusEvents(id)).map((event) => event.status)).toEqual([
      RequestStatuses.PENDING,
    ]);
  });

  it('reports a refused token to onboarding with the retry', async () => {
    const company = await aCompany(medium);
    await requestsOf(company, 1);

    await lifecycle.record(await claimOne(), {
      status: RETRY,
      afterMs: 60_000,
      error: 'Tripletex refused the company token',
      unauthorized: true,
      mode: RequestModes.SINGLE,
    });

    expect(await outboxEvents(medium, Topics.TripletexAuthFailedV1)).toContainEqual(
      expect.objectContaining({ companyId: company.companyId, service: 'invoicing' }),
    );
  });

  it('makes the requests that came before their company’s settings due the moment they arrive', async () => {
    const company = await aCompany(medium, { withoutSettings: true });
    const [id] = await requestsOf(company, 1);
    await lifecycle.record(await claimOne(), {
      status: RETRY,
      afterMs: 60_000,
      exact: true,
      error: 'the company’s settings have not arrived yet',
      mode: RequestModes.UNDECIDED,
    });
    expect(await lifecycle.claim(10)).toEqual([]);

    await applySettings(medium, company);

    expect((await lifecycle.claim(10)).map((claim) => claim.checkoutEventId)).toEqual([id]);
  });

  it('records the mode the settings decided for a request that came before them', async () => {
    const company = await aCompany(medium, { withoutSettings: true });
    const [id] = await requestsOf(company, 1);

    await lifecycle.record(await claimOne(), {
      status: RequestStatuses.ORDERED,
      order: { id: 79 },
      mode: RequestModes.COLLECTIVE,
    });

    expect(await requests.get(id)).toMatchObject({
      mode: RequestModes.COLLECTIVE,
      status: RequestStatuses.ORDERED,
    });
  });

  it('dates the requests nothing was done for yet by the company’s current cut-off', async () => {
    const company = await aCompany(medium, { withoutSettings: true });
    const at = '2026-11-24T05:00:00+01:00';
    // Before the settings: the default 04:00 cut-off makes 05:00 the 24th…
    const early = (await takeIn(medium, anInvoiceCheckout(company, { completedAt: at })))!;
    expect(early.businessDay).toBe('2026-11-24');
    await lifecycle.record(await claimOne(), {
      status: RETRY,
      afterMs: 60_000,
      exact: true,
      error: 'the company’s settings have not arrived yet',
      mode: RequestModes.UNDECIDED,
    });

    // …the company's 06:00 cut-off makes it the 23rd, for the request that waited for them too.
    await applySettings(medium, company, { dayCutoffHour: 6 });
    expect(await requests.get(early.checkoutEventId)).toMatchObject({ businessDay: '2026-11-23' });

    // A request already attempted keeps its date (an order in Tripletex may carry it); one not
    // attempted yet follows the next change.
    const attempted = (await takeIn(medium, anInvoiceCheckout(company, { completedAt: at })))!;
    expect(attempted.businessDay).toBe('2026-11-23');
    // (The request that waited for the settings is due again too: both are attempted.)
    const claims = await lifecycle.claim(10);
    expect(claims.map((claim) => claim.checkoutEventId).sort()).toEqual(
      [early.checkoutEventId, attempted.checkoutEventId].sort(),
    );
    for (const claim of claims)
      await lifecycle.record(claim, {
        status: RETRY,
        afterMs: 60_000,
        error: 'Tripletex is away',
        mode: RequestModes.SINGLE,
      });
    const fresh = (await takeIn(medium, anInvoiceCheckout(company, { completedAt: at })))!;
    await applySettings(medium, company, { dayCutoffHour: 4 });
    expect(await requests.get(attempted.checkoutEventId)).toMatchObject({
      businessDay: '2026-11-23',
    });
    expect(await requests.get(fresh.checkoutEventId)).toMatchObject({ businessDay: '2026-11-24' });
  });
});
