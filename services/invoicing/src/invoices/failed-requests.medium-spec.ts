import { Topics } from '@pos-tripletex/contracts';
import { eventually, MediumTest, testOperator } from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import {
  aCompany,
  anInvoiceCheckout,
  applySettings,
  InvoicingCompany,
  ledgerOf,
  outboxEvents,
  startInvoicing,
  takeIn,
} from '../../test/invoicing.medium-kit';
import { IntakeService } from '../intake/intake.service';
import { RequestStatuses } from './entities/invoice-request.entity';
import { FailedRequestsWatcher } from './failed-requests.watcher';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceRequestsRepository } from './invoice-requests.repository';

// No invoiced sale falls out of the books: a request that cannot be completed stays visible with
// its reason, says what takes it up again, and is taken up again – by an operator, by a replayed
// checkout, or on its own when its cause goes away. In-process over real PostgreSQL with the
// sandbox as Tripletex; the service's own invoice worker runs (polling every 100 ms).

let medium: MediumTest;
let requests: InvoiceRequestsRepository;
let lifecycle: InvoiceRequestLifecycle;

beforeAll(async () => {
  medium = await startInvoicing('invoicing_failed', {
    INVOICE_POLL_MS: '100',
    // The watch is driven by the tests (check()); its own timer stays out of the way.
    BANK_ACCOUNT_CHECK_SECONDS: '3600',
  });
  requests = medium.get(InvoiceRequestsRepository);
  lifecycle = medium.get(InvoiceRequestLifecycle);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

/** Takes the checkout in and waits for its request to reach `status`. */
async function settles(
  company: InvoicingCompany,
  checkout: Record<string, unknown>,
  status: string,
) {
  await takeIn(medium, checkout);
  return untilStatus(company, checkout.eventId as string, status);
}

const untilStatus = (company: InvoicingCompany, id: string, status: string) =>
  eventually(async () => {
    const request = await requests.find(company.companyId, id);
    expect(request?.status).toBe(status);
    return request!;
  });

const statusEvents = async (id: string) =>
  (await outboxEvents(medium, Topics.InvoiceStatusV1)).filter(
    (event) => event.checkoutEventId === id,
  );

describe('failed invoice requests', () => {
  it('takes a sale refused for want of a bank account number up again once the number is registered', async () => {
    const company = await aCompany(medium, { bankAccountNumber: null });
    const checkout = anInvoiceCheckout(company);
    const failed = await settles(company, checkout, RequestStatuses.FAILED);
    expect(failed).toMatchObject({
      failureCode: 'INVOICING.NO_BANK_ACCOUNT',
      retryOn: 'BANK_ACCOUNT',
    });
    expect((await statusEvents(failed.checkoutEventId)).at(-1)).toMatchObject({
      status: 'FAILED',
      retryOn: 'BANK_ACCOUNT',
      reason: expect.stringContaining('bankkontonummer'),
    });
    const watcher = medium.get(FailedRequestsWatcher);
    expect(await watcher.check()).toEqual([]); // still none: nothing is retried

    await medium.sandbox.editAccount(company.tripletex.companyId, 1920, {
      bankAccountNumber: '12345678903',
    });

    expect(await watcher.check()).toEqual([company.companyId]);
    const invoiced = await untilStatus(company, failed.checkoutEventId, RequestStatuses.INVOICED);
    expect(invoiced).toMatchObject({ failureCode: null, retryOn: null });
    expect((await ledgerOf(medium, company)).invoices).toHaveLength(1);
    expect((await statusEvents(failed.checkoutEventId)).map((event) => event.status)).toEqual([
      'PENDING',
      'FAILED',
      'PENDING',
      'INVOICED',
    ]);
  });

  it('invoices a sale for an inactive customer once an operator retries it after the customer is activated', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, {
      invoice: { customerId: company.inactiveCustomerId },
    });
    const failed = await settles(company, checkout, RequestStatuses.FAILED);
    expect(failed).toMatchObject({
      failureCode: 'INVOICING.CUSTOMER_INACTIVE',
      retryOn: 'CUSTOMER',
    });

    await medium.sandbox.editCustomer(company.tripletex.companyId, company.inactiveCustomerId, {
      isInactive: false,
    });
    await lifecycle.retryByOperator(company.companyId, failed.checkoutEventId, testOperator);

    await untilStatus(company, failed.checkoutEventId, RequestStatuses.INVOICED);
    expect((await ledgerOf(medium, company)).invoices).toHaveLength(1);
  });

  it('refuses an operator’s retry of an invoiced sale, and of another company’s sale', async () => {
    const company = await aCompany(medium);
    const other = await aCompany(medium);
    const checkout = anInvoiceCheckout(company);
    const invoiced = await settles(company, checkout, RequestStatuses.INVOICED);

    await expect(
      lifecycle.retryByOperator(company.companyId, invoiced.checkoutEventId, testOperator),
    ).rejects.toMatchObject({ code: 'INVOICING.NOT_RETRYABLE' });
    await expect(
      lifecycle.retryByOperator(other.companyId, invoiced.checkoutEventId, testOperator),
    ).rejects.toMatchObject({ code: 'INVOICING.NOT_FOUND' });
    expect((await ledgerOf(medium, company)).invoices).toHaveLength(1);
  });

  it('lets a sale wait, not fail, while the integration needs attention, and invoices it once it is active again', async () => {
    const company = await aCompany(medium);
    await applySettings(medium, company, { status: 'NEEDS_ATTENTION' });
    const checkout = anInvoiceCheckout(company);
    const id = checkout.eventId as string;
    await takeIn(medium, checkout);

    await eventually(async () =>
      expect((await statusEvents(id)).at(-1)).toMatchObject({
        status: 'PENDING',
        reason: expect.stringContaining('needs attention'),
      }),
    );
    expect(await requests.find(company.companyId, id)).toMatchObject({
      status: RequestStatuses.PENDING,
      failureCode: null,
    });

    await applySettings(medium, company, { status: 'ACTIVE' });

    await untilStatus(company, id, RequestStatuses.INVOICED);
  });

  it('takes sales refused while invoicing was off up again when it is switched on', async () => {
    const company = await aCompany(medium, { invoicing: false });
    const failed = await settles(company, anInvoiceCheckout(company), RequestStatuses.FAILED);
    expect(failed).toMatchObject({ failureCode: 'INVOICING.NOT_ENABLED', retryOn: 'SETTINGS' });

    await applySettings(medium, company, { invoicing: true });

    await untilStatus(company, failed.checkoutEventId, RequestStatuses.INVOICED);
  });

  it('takes a failed sale up again when its checkout is replayed, within its own company only', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, { invoice: { customerId: 999_999 } });
    const failed = await settles(company, checkout, RequestStatuses.FAILED);
    const intake = medium.get(IntakeService);
    const dataSource = medium.get(DataSource);

    // Another company's record with the same eventId changes nothing here.
    const elsewhere = { ...failed.checkout, companyId: 'someone-else' };
    expect(await dataSource.transaction((tx) => intake.deliveredAgain(elsewhere, tx))).toBe(false);
    expect(await requests.find(company.companyId, failed.checkoutEventId)).toMatchObject({
      status: RequestStatuses.FAILED,
    });

    expect(await dataSource.transaction((tx) => intake.deliveredAgain(failed.checkout, tx))).toBe(
      true,
    );
    // Taken up again, and failed again for the same reason (the customer still does not exist).
    await eventually(async () =>
      expect((await statusEvents(failed.checkoutEventId)).map((event) => event.status)).toEqual([
        'PENDING',
        'FAILED',
        'PENDING',
        'FAILED',
      ]),
    );
  });

  it('counts per business day the invoiced sales that are not invoiced yet', async () => {
    const company = await aCompany(medium);
    const day = '2026-03-02';
    const at = `${day}T12:00:00+01:00`;
    await settles(company, anInvoiceCheckout(company, { completedAt: at }), 'INVOICED');
    await settles(
      company,
      anInvoiceCheckout(company, { completedAt: at, invoice: { customerId: 999_999 } }),
      'FAILED',
    );

    expect(await requests.days(company.companyId, day, day)).toEqual([
      expect.objectContaining({
        businessDay: day,
        sales: 2,
        invoiced: 1,
        failed: 1,
        notInvoiced: 1,
        summary: '1 invoiced sale not invoiced (1 failed, 0 pending)',
      }),
    ]);
  });
});
