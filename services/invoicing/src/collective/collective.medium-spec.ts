import { Topics } from '@pos-tripletex/contracts';
import { addDays, osloToday } from '@pos-tripletex/platform';
import { eventually, MediumTest, testOperator } from '@pos-tripletex/testing';
import { TOKEN_REJECTED_RETRY_MS } from '@pos-tripletex/tripletex';
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
import { RequestStatuses } from '../invoices/entities/invoice-request.entity';
import { InvoiceRequestsRepository } from '../invoices/invoice-requests.repository';
import { InvoiceWorker } from '../invoices/invoice.worker';
import { CollectiveRepository } from './collective.repository';
import { CollectiveService } from './collective.service';
import { RunStatuses } from './entities/collective-run.entity';

// Collective invoicing in-process: planning runs, the run itself through the service's own
// collective worker, and what a failed run leaves behind. Real PostgreSQL, the sandbox as
// Tripletex; the invoice worker makes the orders.

let medium: MediumTest;
let collective: CollectiveService;
let requests: InvoiceRequestsRepository;
let runs: CollectiveRepository;

beforeAll(async () => {
  medium = await startInvoicing('invoicing_collective');
  collective = medium.get(CollectiveService);
  requests = medium.get(InvoiceRequestsRepository);
  runs = medium.get(CollectiveRepository);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

const tomorrow = () => addDays(osloToday(), 1);

/** The run once the collective worker has tried it once and put it back to wait. */
const attemptedOnce = (runId: string) =>
  eventually(async () => {
    const attempted = await runs.run(runId);
    expect(attempted.attempts).toBe(1);
    expect(attempted.status).toBe(RunStatuses.PENDING);
    return attempted;
  });

/** Checkouts of the customer taken in and made orders by the invoice worker; their ids. */
async function ordered(
  company: InvoicingCompany,
  customerId: number,
  amounts: number[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const unitPriceGross of amounts) {
    const checkout = anInvoiceCheckout(company, {
      lines: [{ unitPriceGross }],
      invoice: { customerId },
    });
    ids.push((await takeIn(medium, checkout))!.checkoutEventId);
  }
  medium.get(InvoiceWorker).nudge();
  await eventually(async () => {
    for (const id of ids) expect((await requests.get(id)).status).toBe(RequestStatuses.ORDERED);
  });
  return ids;
}

describe(CollectiveService.name, () => {
  it('forces a run for orders that would pass the end of the month after delivery, whatever the cadence', async () => {
    const company = await aCompany(medium, { collective: true }); // ON_DEMAND
    const take = async (completedAt: string) => {
      const checkout = anInvoiceCheckout(company, { completedAt });
      return (await takeIn(medium, checkout))!.checkoutEventId;
    };
    const october = await take('2026-10-15T12:00:00+02:00');
    const november = await take('2026-11-20T12:00:00+01:00');
    medium.get(InvoiceWorker).nudge();
    await eventually(async () => {
      for (const id of [october, november])
        expect((await requests.get(id)).status).toBe(RequestStatuses.ORDERED);
    });

    // 1 December: October's orders are due by 30 November – late already; November's are not yet.
    expect(await collective.planDue('2026-12-01')).toContain(company.companyId);
    await eventually(async () =>
      expect((await requests.get(october)).status).toBe(RequestStatuses.INVOICED),
    );
    expect((await requests.get(november)).status).toBe(RequestStatuses.ORDERED);
    expect(await collective.planDue('2026-12-20')).not.toContain(company.companyId);

    // In December's last week November's orders are invoiced before their deadline.
    expect(await collective.planDue('2026-12-27')).toContain(company.companyId);
    await eventually(async () =>
      expect((await requests.get(november)).status).toBe(RequestStatuses.INVOICED),
    );
  });

  it('previews the open orders per customer', async () => {
    const company = await aCompany(medium, { collective: true });
    await ordered(company, company.customerId, [10_000, 20_000, 30_000]);
    await ordered(company, company.otherCustomerId, [7_000]);

    const preview = await collective.preview(company.companyId);

    expect(preview.customers).toEqual([
      expect.objectContaining({
        customerId: company.customerId,
        customerName: 'Fjordkanten AS',
        orders: 3,
        totalGross: 60_000,
      }),
      expect.objectContaining({ customerId: company.otherCustomerId, orders: 1, totalGross: 7000 }),
    ]);
  });

  it('plans one run per customer, and never puts an order in two runs', async () => {
    const company = await aCompany(medium, { collective: true });
    const mine = await ordered(company, company.customerId, [10_000, 20_000]);
    const theirs = await ordered(company, company.otherCustomerId, [7_000]);

    // Two planners at once (two instances, or the cadence and the API).
    await Promise.all([
      collective.plan(company.companyId, testOperator, tomorrow()),
      collective.plan(company.companyId, testOperator, tomorrow()),
    ]);

    const planned = await medium.schema.query<{ id: string; customer_id: string }>(
      'SELECT id, customer_id FROM collective_runs WHERE company_id = $1',
      [company.companyId],
    );
    expect(planned.map((run) => Number(run.customer_id)).sort()).toEqual(
      [company.customerId, company.otherCustomerId].sort(),
    );
    const runOf = (customerId: number) =>
      planned.find((run) => Number(run.customer_id) === customerId)!.id;
    for (const id of mine)
      expect((await requests.get(id)).collectiveRunId).toBe(runOf(company.customerId));
    for (const id of theirs)
      expect((await requests.get(id)).collectiveRunId).toBe(runOf(company.otherCustomerId));
    expect((await collective.preview(company.companyId)).customers).toEqual([]);
  });

  it('invoices one customer’s orders on one invoice and leaves another customer’s alone', async () => {
    const company = await aCompany(medium, { collective: true });
    const mine = await ordered(company, company.customerId, [10_000, 20_000, 30_000]);
    const [theirs] = await ordered(company, company.otherCustomerId, [7_000]);

    const results = await collective.run(
      company.companyId,
      testOperator,
      undefined,
      company.customerId,
    );

    expect(results).toEqual([
      expect.objectContaining({
        customerId: company.customerId,
        status: RunStatuses.DONE,
        orders: 3,
      }),
    ]);
    const ledger = await ledgerOf(medium, company);
    expect(ledger.invoices).toHaveLength(1);
    const [invoice] = ledger.invoices;
    expect(invoice).toMatchObject({ amount: 600, customer: { id: company.customerId } });
    expect(invoice.orders).toHaveLength(3);
    for (const id of mine)
      expect(await requests.get(id)).toMatchObject({
        status: RequestStatuses.INVOICED,
        invoiceNumber: invoice.invoiceNumber,
        invoiceAmount: '60000',
      });
    expect((await requests.get(theirs)).status).toBe(RequestStatuses.ORDERED);
    expect((await collective.preview(company.companyId)).customers).toEqual([
      expect.objectContaining({ customerId: company.otherCustomerId }),
    ]);
  });

  it('gives the orders of a run Tripletex refuses back for the next run', async () => {
    const company = await aCompany(medium, { collective: true, bankAccountNumber: null });
    const mine = await ordered(company, company.customerId, [10_000, 20_000]);

    const [result] = await collective.run(company.companyId, testOperator);

    expect(result).toMatchObject({
      customerId: company.customerId,
      status: RunStatuses.FAILED,
      orders: 2,
      error: expect.stringContaining('bankkontonummer'),
    });
    for (const id of mine)
      expect(await requests.get(id)).toMatchObject({
        status: RequestStatuses.ORDERED,
        collectiveRunId: null,
        lastError: expect.stringContaining('bankkontonummer'),
      });
    expect((await collective.preview(company.companyId)).customers).toEqual([
      expect.objectContaining({ customerId: company.customerId, orders: 2 }),
    ]);
    expect((await ledgerOf(medium, company)).invoices).toEqual([]);
  });

  it('keeps a run and its orders waiting when Tripletex refuses the company token, and reports it', async () => {
    const company = await aCompany(medium, { collective: true });
    const mine = await ordered(company, company.customerId, [10_000, 20_000]);
    await medium.sandbox.revokeEmployeeToken(company.tripletex.employeeToken);

    const [runId] = await collective.plan(company.companyId, testOperator, tomorrow());

    const run = await attemptedOnce(runId);
    // At least the wait a refused token gets (the token must be replaced first), not a failure.
    expect(run.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + TOKEN_REJECTED_RETRY_MS / 2);
    for (const id of mine) expect((await requests.get(id)).collectiveRunId).toBe(runId);
    expect(await outboxEvents(medium, Topics.TripletexAuthFailedV1)).toContainEqual(
      expect.objectContaining({ companyId: company.companyId, service: 'invoicing' }),
    );
    expect((await ledgerOf(medium, company)).invoices).toEqual([]);
  });

  it('keeps a run and its orders waiting while the company’s invoicing is switched off', async () => {
    const company = await aCompany(medium, { collective: true });
    const mine = await ordered(company, company.customerId, [10_000]);
    await applySettings(medium, company, { collective: true, invoicing: false });

    const [runId] = await collective.plan(company.companyId, testOperator, tomorrow());

    const run = await attemptedOnce(runId);
    expect(run.lastError).toMatch(/^INVOICING\.NOT_ENABLED: /);
    expect(run.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect((await requests.get(mine[0])).collectiveRunId).toBe(runId);
    expect((await ledgerOf(medium, company)).invoices).toEqual([]);
  });

  it('runs nothing for a company whose invoicing is switched off', async () => {
    const company = await aCompany(medium, { collective: true });
    await ordered(company, company.customerId, [10_000]);
    await applySettings(medium, company, { collective: true, invoicing: false });

    expect(await collective.run(company.companyId, testOperator)).toEqual([]);
    expect(await runs.unfinished(company.companyId)).toEqual([]);
  });
});
