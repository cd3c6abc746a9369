import { MediumTest } from '@pos-tripletex/testing';
import { TOKEN_REJECTED_RETRY_MS } from '@pos-tripletex/tripletex';
import {
  aCompany,
  anInvoiceCheckout,
  applySettings,
  ledgerOf,
  quiet,
  startInvoicing,
  takeIn,
} from '../../test/invoicing.medium-kit';
import { aChristmasLunch } from '../../test/invoicing.builders';
import {
  InvoiceRequestEntity,
  RequestModes,
  RequestStatuses,
} from './entities/invoice-request.entity';
import { RETRY_ON } from '../invoicing.errors';
import { InvoicerService } from './invoicer.service';

// The invoicer's decisions, one per test: in-process over real PostgreSQL, the sandbox as
// Tripletex. Each request is taken in as the consumer takes it; the spec calls the invoicer as the
// worker does (the service's own workers are stopped).

let medium: MediumTest;
let invoicer: InvoicerService;

beforeAll(async () => {
  medium = await startInvoicing('invoicing_invoicer');
  await quiet(medium);
  invoicer = medium.get(InvoicerService);
}, 120_000);

afterAll(async () => {
  await medium?.stop();
});

/** The request of a checkout, as taken in. */
async function requestOf(checkout: Record<string, unknown>): Promise<InvoiceRequestEntity> {
  const request = await takeIn(medium, checkout);
  if (!request) throw new Error('no request was made');
  return request;
}

/** The same request on a later attempt (after a timeout, a 5xx or a crash before recording). */
const retried = (request: InvoiceRequestEntity, attempts = 2): InvoiceRequestEntity =>
  Object.assign(new InvoiceRequestEntity(), request, { attempts });

describe(InvoicerService.name, () => {
  it('invoices a checkout with its lines, VAT, reference and comment, matching it to the øre', async () => {
    const company = await aCompany(medium);
    const checkout = aChristmasLunch(company.companyId, company.customerId);
    const total = (checkout.payments as { amount: number }[])[0].amount;

    const outcome = await invoicer.process(await requestOf(checkout));

    expect(outcome).toMatchObject({
      status: RequestStatuses.INVOICED,
      mode: RequestModes.SINGLE,
      customerName: 'Fjordkanten AS',
      invoice: { invoiceNumber: expect.any(Number), kid: expect.stringMatching(/^\d+$/) },
    });
    const ledger = await ledgerOf(medium, company);
    expect(ledger.invoices).toHaveLength(1);
    const [invoice] = ledger.invoices;
    expect(Math.round(invoice.amount * 100)).toBe(total);
    expect(invoice).toMatchObject({
      invoiceDate: '2026-11-24',
      invoiceDueDate: '2026-12-04', // the customer's 10 days
      customer: { id: company.customerId },
    });
    const [order] = ledger.orders;
    expect(order).toMatchObject({ reference: 'PO-4711', isPrioritizeAmountsIncludingVat: true });
    expect(order.invoiceComment).toContain('Julelunsj avdeling nord');
    expect(order.orderLines.map((l: any) => [l.description, l.count, l.vatType.number])).toEqual([
      ['Lunsjbuffet', 12, '3'],
      ['Rabatt: Lunsjbuffet', 1, '3'],
      ['Reker', 0.375, '31'],
      ['Buss', 1, '33'],
      ['Tips', 1, '6'],
    ]);
  });

  it('books the invoice’s revenue on the mapped accounts through its products, and the tip on the tips liability', async () => {
    const company = await aCompany(medium);
    const checkout = aChristmasLunch(company.companyId, company.customerId);

    await invoicer.process(await requestOf(checkout));

    const ledger = await medium.sandbox.ledger<{ vouchers: any[]; products: any[] }>(
      company.tripletex.companyId,
    );
    expect(
      ledger.products.map((p) => [p.number, p.account.number, p.vatType.number]).sort(),
    ).toEqual([
      ['POS-TIPS', 2910, '6'],
      ['POS-food-E-3', 3000, '3'],
      ['POS-food-E-33', 3002, '33'],
      ['POS-food-T-31', 3001, '31'],
    ]);
    // The invoice's own voucher: the receivable with the customer, revenue per mapped account.
    const [voucher] = ledger.vouchers;
    const booked = (voucher.postings as any[])
      .filter((p) => !p.systemGenerated)
      .map((p) => [p.account.number, Math.round(p.amountGross * 100)]);
    const total = (checkout.payments as { amount: number }[])[0].amount;
    expect(booked).toEqual(
      expect.arrayContaining([
        [1500, total],
        [2910, -1000],
        [3001, -11213],
        [3002, -4200],
      ]),
    );
    expect(booked.reduce((sum, [, amount]) => sum + amount, 0)).toBe(0);
  });

  it('moves its product when the product group is mapped to another account', async () => {
    const company = await aCompany(medium);
    await invoicer.process(await requestOf(anInvoiceCheckout(company)));
    const ids = await medium.sandbox.accountIds(company.tripletex, [3100]);
    await applySettings(medium, company, {
      mappings: {
        paymentMethods: [],
        productGroups: [
          { productGroupId: 'food', takeaway: false, accountId: ids[3100], accountNumber: 3100 },
        ],
        otherEvents: [],
      },
    });

    await invoicer.process(await requestOf(anInvoiceCheckout(company)));

    const ledger = await medium.sandbox.ledger<{ vouchers: any[]; products: any[] }>(
      company.tripletex.companyId,
    );
    expect(ledger.products.map((p) => [p.number, p.account.number])).toEqual([
      ['POS-food-E-3', 3100],
    ]);
    const revenue = ledger.vouchers.map(
      (v) =>
        (v.postings as any[]).find((p) => !p.systemGenerated && p.account.number !== 1500).account
          .number,
    );
    expect(revenue).toEqual([3000, 3100]);
  });

  it('refuses a sale of a product group without an account until the settings map it', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, {
      lines: [{ unitPriceGross: 10_000, productGroupId: 'books' }],
    });

    const outcome = await invoicer.process(await requestOf(checkout));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.PRODUCT_GROUP_UNMAPPED',
      reason: expect.stringContaining('books'),
    });
    expect(RETRY_ON['INVOICING.PRODUCT_GROUP_UNMAPPED']).toBe('SETTINGS');
    expect((await ledgerOf(medium, company)).orders).toEqual([]);
  });

  it('lets Tripletex date the invoice by the customer’s fixed day of the month', async () => {
    const company = await aCompany(medium);
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.otherCustomerId, {
      invoicesDueIn: 20,
      invoicesDueInType: 'RECURRING_DAY_OF_MONTH',
    });

    await invoicer.process(
      await requestOf(
        anInvoiceCheckout(company, { invoice: { customerId: company.otherCustomerId } }),
      ),
    );

    const [invoice] = (await ledgerOf(medium, company)).invoices;
    expect(invoice).toMatchObject({ invoiceDate: '2026-11-24', invoiceDueDate: '2026-12-20' });
  });

  it('refuses an EHF invoice to a business customer without an address in Tripletex’s words, and invoices it once the customer has one', async () => {
    const company = await aCompany(medium, { sendToCustomer: true });
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.customerId, {
      invoiceSendMethod: 'EHF',
      organizationNumber: '987654321',
    });
    const request = await requestOf(anInvoiceCheckout(company));

    const refused = await invoicer.process(request);

    expect(refused).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.TRIPLETEX_REFUSED',
      reason: expect.stringContaining('postadresse'),
    });
    expect(RETRY_ON['INVOICING.TRIPLETEX_REFUSED']).toBe('CUSTOMER');
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.customerId, {
      postalAddress: { addressLine1: 'Bryggen 1', postalCode: '5003', city: 'Bergen' },
    });

    const again = await invoicer.process(retried(request));

    expect(again).toMatchObject({ status: RequestStatuses.INVOICED });
    const invoices = (await ledgerOf(medium, company)).invoices;
    expect(invoices).toEqual([expect.objectContaining({ sendType: 'EHF' })]);
  });

  it('delivers by the send type the POS asked for', async () => {
    const company = await aCompany(medium, { sendToCustomer: true });
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.customerId, {
      invoiceSendMethod: 'EHF',
    });

    await invoicer.process(
      await requestOf(
        anInvoiceCheckout(company, {
          invoice: { customerId: company.customerId, sendType: 'PAPER' },
        }),
      ),
    );

    expect((await ledgerOf(medium, company)).invoices).toEqual([
      expect.objectContaining({ sendType: 'PAPER' }),
    ]);
    // POST /invoice takes no send type: the order, then `:invoice` with it.
    const effects = (await medium.sandbox.requests(company.tripletex.companyId)).filter(
      (call) =>
        call.method !== 'GET' && call.path !== '/product' && !call.path.startsWith('/token'),
    );
    expect(effects.map((call) => `${call.method} ${call.path.replace(/\d+/, '{id}')}`)).toEqual([
      'POST /order',
      'PUT /order/{id}/:invoice',
    ]);
  });

  it('gives a customer without terms of its own the default due date', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, {
      invoice: { customerId: company.otherCustomerId },
    });

    await invoicer.process(await requestOf(checkout));

    const [invoice] = (await ledgerOf(medium, company)).invoices;
    expect(invoice).toMatchObject({ invoiceDate: '2026-11-24', invoiceDueDate: '2026-12-08' });
  });

  it('invoices a customer with terms in days in one call: the invoice with its order inline, dated by the terms', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company);

    const outcome = await invoicer.process(await requestOf(checkout));

    const ledger = await ledgerOf(medium, company);
    expect(ledger.invoices).toEqual([
      expect.objectContaining({ invoiceDate: '2026-11-24', invoiceDueDate: '2026-12-04' }),
    ]);
    expect(ledger.orders).toEqual([
      expect.objectContaining({
        isClosed: true,
        invoiceComment: expect.stringContaining('POS-kvittering'),
      }),
    ]);
    expect(outcome).toMatchObject({
      status: RequestStatuses.INVOICED,
      orderId: ledger.orders[0].id,
    });
    const effects = (await medium.sandbox.requests(company.tripletex.companyId)).filter(
      (call) =>
        call.method !== 'GET' && call.path !== '/product' && !call.path.startsWith('/token'),
    );
    expect(effects.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /invoice']);
  });

  it('dates the invoice of a customer with terms in months by them', async () => {
    const company = await aCompany(medium);
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.otherCustomerId, {
      invoicesDueIn: 1,
      invoicesDueInType: 'MONTHS',
    });

    await invoicer.process(
      await requestOf(
        anInvoiceCheckout(company, { invoice: { customerId: company.otherCustomerId } }),
      ),
    );

    const [invoice] = (await ledgerOf(medium, company)).invoices;
    expect(invoice).toMatchObject({ invoiceDate: '2026-11-24', invoiceDueDate: '2026-12-24' });
  });

  it('reads a customer again once customers.changed.v1 says it changed: its new terms date the next invoice', async () => {
    const company = await aCompany(medium);
    await invoicer.process(await requestOf(anInvoiceCheckout(company)));
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.customerId, {
      invoicesDueIn: 30,
    });

    invoicer.customerChanged(company.companyId, company.customerId);
    await invoicer.process(await requestOf(anInvoiceCheckout(company)));

    const invoices = (await ledgerOf(medium, company)).invoices;
    expect(invoices.map((invoice: { invoiceDueDate: string }) => invoice.invoiceDueDate)).toEqual([
      '2026-12-04',
      '2026-12-24',
    ]);
  });

  it('finds the invoice of an earlier attempt instead of creating a second', async () => {
    const company = await aCompany(medium);
    const request = await requestOf(anInvoiceCheckout(company));
    const first = await invoicer.process(request);
    expect(first.status).toBe(RequestStatuses.INVOICED);

    const again = await invoicer.process(retried(request));

    const [invoice] = (await ledgerOf(medium, company)).invoices;
    expect(first).toMatchObject({ invoice: { invoiceNumber: invoice.invoiceNumber } });
    expect(again).toMatchObject({
      status: RequestStatuses.INVOICED,
      invoice: { invoiceNumber: invoice.invoiceNumber },
    });
    expect((await ledgerOf(medium, company)).invoices).toHaveLength(1);
  });

  it('invoices the order an earlier attempt left without its invoice instead of ordering again', async () => {
    const company = await aCompany(medium);
    const request = await requestOf(anInvoiceCheckout(company));
    // An earlier attempt got as far as the order (here: the collective part of the work).
    const ordered = await invoicer.process(
      Object.assign(new InvoiceRequestEntity(), request, { mode: RequestModes.COLLECTIVE }),
    );
    expect(ordered.status).toBe(RequestStatuses.ORDERED);

    const outcome = await invoicer.process(retried(request));

    const ledger = await ledgerOf(medium, company);
    expect(ledger.orders).toHaveLength(1);
    expect(ledger.invoices).toHaveLength(1);
    expect(outcome).toMatchObject({
      status: RequestStatuses.INVOICED,
      orderId: ledger.orders[0].id,
    });
    const calls = await medium.sandbox.requests(company.tripletex.companyId);
    expect(
      calls.filter((call) => call.method === 'POST' && call.path.startsWith('/invoice')),
    ).toEqual([]);
  });

  it('only orders in collective mode: the invoice waits for the run', async () => {
    const company = await aCompany(medium, { collective: true });
    const request = await requestOf(anInvoiceCheckout(company));
    expect(request.mode).toBe(RequestModes.COLLECTIVE);

    const outcome = await invoicer.process(request);

    expect(outcome).toMatchObject({
      status: RequestStatuses.ORDERED,
      mode: RequestModes.COLLECTIVE,
    });
    const ledger = await ledgerOf(medium, company);
    expect(ledger.orders).toHaveLength(1);
    expect(ledger.invoices).toEqual([]);
  });

  it('refuses an unknown customer for good, naming it', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, { invoice: { customerId: 999_999 } });

    const outcome = await invoicer.process(await requestOf(checkout));

    expect(outcome).toEqual({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.CUSTOMER_UNKNOWN',
      reason: expect.stringContaining('999999'),
      mode: RequestModes.SINGLE,
    });
    expect((await ledgerOf(medium, company)).orders).toEqual([]);
  });

  it('refuses an inactive customer for good, naming it', async () => {
    const company = await aCompany(medium);
    const checkout = anInvoiceCheckout(company, {
      invoice: { customerId: company.inactiveCustomerId },
    });

    const outcome = await invoicer.process(await requestOf(checkout));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.CUSTOMER_INACTIVE',
      reason: 'Customer Blåskjell AS is inactive in Tripletex.',
    });
    expect((await ledgerOf(medium, company)).orders).toEqual([]);
  });

  it('refuses for good while the company has no bank account number, in Tripletex’s words', async () => {
    const company = await aCompany(medium, { bankAccountNumber: null });

    const outcome = await invoicer.process(await requestOf(anInvoiceCheckout(company)));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.NO_BANK_ACCOUNT',
      reason: expect.stringContaining(
        'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.',
      ),
    });
    expect((await ledgerOf(medium, company)).invoices).toEqual([]);
  });

  it('waits, and says so, when Tripletex refuses the company’s token', async () => {
    const company = await aCompany(medium);
    await medium.sandbox.revokeEmployeeToken(company.tripletex.employeeToken);

    const outcome = await invoicer.process(await requestOf(anInvoiceCheckout(company)));

    expect(outcome).toMatchObject({
      status: 'RETRY',
      unauthorized: true,
      afterMs: TOKEN_REJECTED_RETRY_MS,
    });
    expect((await ledgerOf(medium, company)).orders).toEqual([]);
  });

  it('waits for the settings of a checkout that came before them', async () => {
    const company = await aCompany(medium, { withoutSettings: true });
    const request = await requestOf(anInvoiceCheckout(company));
    expect(request).toMatchObject({
      mode: RequestModes.UNDECIDED,
      status: RequestStatuses.PENDING,
    });

    const outcome = await invoicer.process(retried(request, 3));

    expect(outcome).toEqual({
      status: 'RETRY',
      afterMs: 15_000,
      exact: true,
      error: 'the company’s settings have not arrived yet',
      mode: RequestModes.UNDECIDED,
    });
  });

  it('decides the mode of a request that came before the settings by them, leaving the request as it was', async () => {
    const company = await aCompany(medium, { withoutSettings: true });
    const request = await requestOf(anInvoiceCheckout(company));
    await applySettings(medium, company, { collective: true });

    const outcome = await invoicer.process(request);

    expect(outcome).toMatchObject({
      status: RequestStatuses.ORDERED,
      mode: RequestModes.COLLECTIVE,
    });
    expect(request.mode).toBe(RequestModes.UNDECIDED);
  });

  it('refuses a request of a company whose invoicing was switched off after it came', async () => {
    const company = await aCompany(medium);
    const request = await requestOf(anInvoiceCheckout(company));
    await applySettings(medium, company, { invoicing: false });

    const outcome = await invoicer.process(request);

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.NOT_ENABLED',
    });
  });
});
