import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { aCheckout, MediumTest, testOperator } from '@pos-tripletex/testing';
import { CompanyClients } from '@pos-tripletex/tripletex';
import {
  aCompany,
  anInvoiceCheckout,
  InvoicingCompany,
  ledgerOf,
  startInvoicing,
  takeIn,
} from '../../test/invoicing.medium-kit';
import { CollectiveService } from '../collective/collective.service';
import { InvoiceRequestEntity, RequestStatuses } from '../invoices/entities/invoice-request.entity';
import { InvoiceRequestLifecycle } from '../invoices/invoice-request.lifecycle';
import { RETRY } from '../invoices/invoice-request.outcome';
import { InvoiceRequestsRepository } from '../invoices/invoice-requests.repository';
import { InvoiceWorker } from '../invoices/invoice.worker';
import { InvoicerService } from '../invoices/invoicer.service';
import { CreditNoteService } from './credit-note.service';

// Refunds of sales charged by invoice, as the invoice worker meets them (InvoicerService hands
// refunds to CreditNoteService): in-process over PostgreSQL, the sandbox as Tripletex. The spec
// works the sales itself (the invoice worker is stopped; the collective worker runs).

let medium: MediumTest;
let invoicer: InvoicerService;
let lifecycle: InvoiceRequestLifecycle;
let requests: InvoiceRequestsRepository;

beforeAll(async () => {
  medium = await startInvoicing('invoicing_credit_notes');
  await medium.get(InvoiceWorker).onApplicationShutdown();
  invoicer = medium.get(InvoicerService);
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

const LINES = [{ unitPriceGross: 19_900, quantity: 2 }];

/** A sale taken in and worked as the invoice worker works it: claimed, processed, recorded. */
async function workedSale(
  company: InvoicingCompany,
  invoice = { customerId: company.customerId },
): Promise<InvoiceRequestEntity> {
  const sale = await takeIn(medium, anInvoiceCheckout(company, { lines: LINES, invoice }));
  const [claimed] = await lifecycle.claim(10);
  expect(claimed.checkoutEventId).toBe(sale!.checkoutEventId);
  await lifecycle.record(
    claimed,
    await invoicer.process(await requests.get(sale!.checkoutEventId)),
  );
  return requests.get(sale!.checkoutEventId);
}

/** The refund of `sale` (all of it, unless other lines are given), taken in. */
async function refundOf(
  company: InvoicingCompany,
  sale: { checkoutEventId: string; receiptNumber: string },
  lines: { unitPriceGross: number; quantity: number; description?: string }[] = LINES,
): Promise<InvoiceRequestEntity> {
  const refund = await takeIn(
    medium,
    aCheckout({
      companyId: company.companyId,
      kind: 'REFUND',
      lines,
      invoice: { customerId: company.customerId },
      refundOf: { eventId: sale.checkoutEventId, receiptNumber: sale.receiptNumber },
    }),
  );
  return refund!;
}

const later = (request: InvoiceRequestEntity): InvoiceRequestEntity =>
  Object.assign(new InvoiceRequestEntity(), request, { attempts: 2 });

describe(CreditNoteService.name, () => {
  it('credits the full refund of an invoiced sale with a credit note on its invoice', async () => {
    const company = await aCompany(medium);
    const sale = await workedSale(company);
    expect(sale.status).toBe(RequestStatuses.INVOICED);

    const outcome = await invoicer.process(await refundOf(company, sale));

    expect(outcome).toMatchObject({ status: RequestStatuses.CREDITED, invoice: { amount: -398 } });
    const credit = (await ledgerOf(medium, company)).invoices.filter((i) => i.isCreditNote);
    expect(credit).toEqual([expect.objectContaining({ creditedInvoice: sale.invoiceId })]);
  });

  it('finds the credit note of an earlier attempt instead of crediting twice', async () => {
    const company = await aCompany(medium);
    const sale = await workedSale(company);
    const refund = await refundOf(company, sale);
    const first = await invoicer.process(refund);

    const again = await invoicer.process(later(refund));

    const credits = (await ledgerOf(medium, company)).invoices.filter((i) => i.isCreditNote);
    expect(credits).toHaveLength(1);
    for (const outcome of [first, again])
      expect(outcome).toMatchObject({
        status: RequestStatuses.CREDITED,
        invoice: { id: credits[0].id },
      });
  });

  it('waits while the refunded sale is not invoiced yet', async () => {
    const company = await aCompany(medium);
    const sale = await takeIn(medium, anInvoiceCheckout(company, { lines: LINES }));

    const outcome = await invoicer.process(await refundOf(company, sale!));

    expect(outcome).toMatchObject({
      status: RETRY,
      afterMs: 30_000,
      error: 'the refunded sale is not invoiced yet',
    });
  });

  it('credits a partial refund with a negative invoice for the refunded part, naming the original invoice', async () => {
    const company = await aCompany(medium);
    const sale = await workedSale(company);

    const outcome = await invoicer.process(
      await refundOf(company, sale, [{ unitPriceGross: 19_900, quantity: -1 }]),
    );

    expect(outcome).toMatchObject({ status: RequestStatuses.CREDITED, invoice: { amount: -199 } });
    const credits = (await ledgerOf(medium, company)).invoices.filter((i) => i.isCreditNote);
    expect(credits).toEqual([
      expect.objectContaining({
        amount: -199,
        invoiceComment: expect.stringContaining(`Kreditnota for faktura ${sale.invoiceNumber}`),
      }),
    ]);
    // The original stays open for the rest: it is not credited as a whole.
    expect(
      (await ledgerOf(medium, company)).invoices.find((i) => i.id === sale.invoiceId),
    ).toMatchObject({
      isCredited: false,
    });
  });

  it('credits refunds of one sale up to what it was, and refuses one more', async () => {
    const company = await aCompany(medium);
    const sale = await workedSale(company);
    const one = [{ unitPriceGross: 19_900, quantity: -1 }];
    for (const _ of [1, 2]) {
      const refund = await refundOf(company, sale, one);
      const [claimed] = await lifecycle.claim(10);
      expect(claimed.checkoutEventId).toBe(refund.checkoutEventId);
      await lifecycle.record(
        claimed,
        await invoicer.process(await requests.get(refund.checkoutEventId)),
      );
      expect(await requests.get(refund.checkoutEventId)).toMatchObject({
        status: RequestStatuses.CREDITED,
      });
    }

    const outcome = await invoicer.process(await refundOf(company, sale, one));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.REFUND_EXCEEDS_ORIGINAL',
    });
    const credits = (await ledgerOf(medium, company)).invoices.filter((i) => i.isCreditNote);
    expect(credits.map((credit) => credit.amount)).toEqual([-199, -199]);
  });

  it('credits the refund of a sale on a collective invoice with a negative invoice for that sale', async () => {
    const company = await aCompany(medium, { collective: true });
    const ordered = await workedSale(company);
    await medium.get(CollectiveService).run(company.companyId, testOperator);
    const sale = await requests.get(ordered.checkoutEventId);
    expect(sale.status).toBe(RequestStatuses.INVOICED);

    const outcome = await invoicer.process(await refundOf(company, sale));

    expect(outcome).toMatchObject({ status: RequestStatuses.CREDITED, invoice: { amount: -398 } });
    const collective = (await ledgerOf(medium, company)).invoices.find(
      (i) => i.id === sale.invoiceId,
    );
    expect(collective).toMatchObject({ isCredited: false, amount: 398 });
  });

  it('deletes the open order of a collective sale refunded in full before its invoice, so nothing is invoiced', async () => {
    const company = await aCompany(medium, { collective: true });
    const sale = await workedSale(company);
    expect(sale.status).toBe(RequestStatuses.ORDERED);
    const refund = await refundOf(company, sale);

    const outcome = await invoicer.process(refund);

    expect(outcome).toMatchObject({ status: RequestStatuses.CREDITED, orderId: sale.orderId });
    expect(await requests.get(sale.checkoutEventId)).toMatchObject({
      status: RequestStatuses.CREDITED,
      creditedBy: refund.checkoutEventId,
    });
    expect((await ledgerOf(medium, company)).orders).toEqual([]);
    // A retry of the refund (its answer was lost) finds it done.
    expect(await invoicer.process(later(refund))).toMatchObject({
      status: RequestStatuses.CREDITED,
    });
    await medium.get(CollectiveService).run(company.companyId, testOperator);
    expect((await ledgerOf(medium, company)).invoices).toEqual([]);
  });

  it('takes a partial refund of a collective sale off its open order, so the collective invoice carries the net', async () => {
    const company = await aCompany(medium, { collective: true });
    const sale = await workedSale(company);
    const refund = await refundOf(company, sale, [{ unitPriceGross: 19_900, quantity: -1 }]);

    expect(await invoicer.process(refund)).toMatchObject({ status: RequestStatuses.CREDITED });
    // Again (the answer was lost): the lines are there already, nothing is added twice.
    expect(await invoicer.process(later(refund))).toMatchObject({
      status: RequestStatuses.CREDITED,
    });

    await medium.get(CollectiveService).run(company.companyId, testOperator);
    expect((await ledgerOf(medium, company)).invoices).toEqual([
      expect.objectContaining({ amount: 199, isCreditNote: false }),
    ]);
    expect(await requests.get(sale.checkoutEventId)).toMatchObject({
      status: RequestStatuses.INVOICED,
    });
  });

  it('adds only the lines an earlier attempt did not, when it died between two of them', async () => {
    const company = await aCompany(medium, { collective: true });
    const sale = await takeIn(
      medium,
      anInvoiceCheckout(company, {
        lines: [
          { description: 'Kaffe', unitPriceGross: 19_900, quantity: 2 },
          { description: 'Bolle', unitPriceGross: 5_000, quantity: 2 },
        ],
      }),
    );
    const [claimed] = await lifecycle.claim(10);
    await lifecycle.record(
      claimed,
      await invoicer.process(await requests.get(claimed.checkoutEventId)),
    );
    const ordered = await requests.get(sale!.checkoutEventId);
    expect(ordered.status).toBe(RequestStatuses.ORDERED);
    const refund = await refundOf(company, ordered, [
      { description: 'Kaffe', unitPriceGross: 19_900, quantity: -1 },
      { description: 'Bolle', unitPriceGross: 5_000, quantity: -1 },
    ]);
    // The earlier attempt got as far as the first line.
    const config = await medium.get(CompanySettingsService).get(company.companyId);
    const client = medium
      .get(CompanyClients)
      .forCompany(company.companyId, config!.tripletex!.employeeToken, () => new Error('no token'));
    const vat = await client.outgoingVatType('3');
    await client.postOrderLine({
      order: { id: ordered.orderId! },
      description: `Retur kvittering ${refund.receiptNumber}: Kaffe`,
      count: -1,
      unitPriceIncludingVatCurrency: 199,
      vatType: { id: vat!.id! },
    });

    expect(await invoicer.process(later(refund))).toMatchObject({
      status: RequestStatuses.CREDITED,
    });

    await medium.get(CollectiveService).run(company.companyId, testOperator);
    // 2 × 199 + 2 × 50 less one of each, once.
    expect((await ledgerOf(medium, company)).invoices).toEqual([
      expect.objectContaining({ amount: 249 }),
    ]);
  });

  it('sends the credit note of an e-mail customer to its invoice address', async () => {
    const company = await aCompany(medium, { sendToCustomer: true });
    await medium.sandbox.editCustomer(company.tripletex.companyId, company.customerId, {
      invoiceSendMethod: 'EMAIL',
      invoiceEmail: 'faktura@fjordkanten.no',
    });
    const sale = await workedSale(company);

    expect(await invoicer.process(await refundOf(company, sale))).toMatchObject({
      status: RequestStatuses.CREDITED,
    });

    const credit = (await ledgerOf(medium, company)).invoices.find((i) => i.isCreditNote);
    expect(credit).toMatchObject({ sendType: 'EMAIL', emailSentTo: 'faktura@fjordkanten.no' });
  });

  it('never looks beyond its own company for the refunded sale, nor calls Tripletex for it', async () => {
    const company = await aCompany(medium);
    const other = await aCompany(medium);
    const othersSale = await workedSale(other);
    const before = (await medium.sandbox.requests(company.tripletex.companyId)).length;

    const outcome = await invoicer.process(await refundOf(company, othersSale));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.ORIGINAL_UNKNOWN',
    });
    const calls = (await medium.sandbox.requests(company.tripletex.companyId)).slice(before);
    expect(calls.filter((call) => call.path.includes('/invoice'))).toEqual([]);
    expect((await ledgerOf(medium, other)).invoices.filter((i) => i.isCreditNote)).toEqual([]);
  });

  it('refuses the refund of a sale that has no invoice (it failed)', async () => {
    const company = await aCompany(medium);
    const sale = await workedSale(company, { customerId: 999_999 });
    expect(sale.status).toBe(RequestStatuses.FAILED);

    const outcome = await invoicer.process(await refundOf(company, sale));

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.ORIGINAL_NOT_INVOICED',
    });
  });

  it('refuses the refund of a sale not charged by invoice here', async () => {
    const company = await aCompany(medium);
    const cardSale = aCheckout({ companyId: company.companyId, lines: LINES });

    const outcome = await invoicer.process(
      await refundOf(company, {
        checkoutEventId: cardSale.eventId as string,
        receiptNumber: cardSale.receiptNumber as string,
      }),
    );

    expect(outcome).toMatchObject({
      status: RequestStatuses.FAILED,
      code: 'INVOICING.ORIGINAL_UNKNOWN',
      reason: expect.stringContaining(cardSale.eventId as string),
    });
  });
});
