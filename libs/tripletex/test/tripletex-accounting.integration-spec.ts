import { SandboxCompany, TestSandbox } from '@pos-tripletex/testing';
import { TripletexClient, TripletexCompanyClient, TripletexError } from '../src';

// The typed calls the services use for bookkeeping, against the sandbox over HTTP.

let sandbox: TestSandbox;
let company: SandboxCompany;
let client: TripletexClient;
let tx: TripletexCompanyClient;
const day = '2026-11-24';

async function accountId(number: number): Promise<number> {
  const page = await tx.listAccounts({ number: String(number), fields: 'id,number' });
  return page.values![0].id!;
}

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  company = await sandbox.createCompany({ name: 'Regnskap AS', bankAccountNumber: '12345678903' });
  client = new TripletexClient({
    baseUrl: sandbox.apiUrl,
    consumerToken: sandbox.consumerToken,
    retry: { baseDelayMs: 20 },
  });
  tx = client.company({ key: 'regnskap', employeeToken: company.employeeToken });
});

afterAll(async () => {
  client?.close();
  await sandbox?.stop();
});

describe('vouchers', () => {
  it('posts a balanced voucher, finds it again by external number, and reverses it', async () => {
    const vat25 = await tx.outgoingVatType('3');
    const voucher = await tx.postVoucher({
      date: day,
      description: 'Salg oslo-sentrum 2026-11-24',
      externalVoucherNumber: 'pos:demo:oslo:2026-11-24:v1',
      postings: [
        {
          row: 1,
          account: { id: await accountId(1920) },
          amountGross: 507,
          amountGrossCurrency: 507,
        },
        {
          row: 2,
          account: { id: await accountId(3000) },
          vatType: { id: vat25!.id },
          amountGross: -507,
          amountGrossCurrency: -507,
        },
      ],
    });
    expect(voucher).toMatchObject({ id: expect.any(Number), number: expect.any(Number) });
    const found = await tx.findVouchersByExternalNumber('pos:demo:oslo:2026-11-24:v1');
    expect(found.map((v) => v.id)).toEqual([voucher.id]);
    expect(await tx.findVouchersByExternalNumber('pos:demo:oslo:2026-11-25:v1')).toEqual([]);
    const reversal = await tx.reverseVoucher(voucher.id!, '2026-11-25');
    expect(reversal.id).not.toBe(voucher.id);
    const inPeriod = await tx.listVouchers({ dateFrom: '2026-11-24', dateTo: '2026-11-26' });
    expect(inPeriod.values?.map((v) => v.id).sort()).toEqual([voucher.id, reversal.id].sort());
  });

  it('reports an unbalanced voucher with Tripletex’s own message', async () => {
    const error = await tx
      .postVoucher({
        date: day,
        postings: [
          {
            row: 1,
            account: { id: await accountId(1920) },
            amountGross: 100,
            amountGrossCurrency: 100,
          },
          {
            row: 2,
            account: { id: await accountId(1900) },
            amountGross: -99,
            amountGrossCurrency: -99,
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TripletexError);
    expect((error as TripletexError).validationMessages).toContainEqual({
      field: null,
      message: 'Summen av posteringene for 2026-11-24 er ikke lik 0.',
    });
  });

  it('looks VAT types up by number once and caches them (12 % is id 32, number 33)', async () => {
    const before = (await sandbox.requests(company.companyId)).filter(
      (r) => r.operationId === 'LedgerVatType_search',
    ).length;
    const [a, b] = await Promise.all([tx.outgoingVatType('33'), tx.outgoingVatType('33')]);
    expect(a).toMatchObject({ id: 32, number: '33' });
    expect(b).toBe(a);
    const after = (await sandbox.requests(company.companyId)).filter(
      (r) => r.operationId === 'LedgerVatType_search',
    ).length;
    expect(after - before).toBe(1);
  });
});

describe('invoices', () => {
  let customerId: number;

  beforeAll(async () => {
    [{ id: customerId }] = await sandbox.addCustomers(company.companyId, [
      { name: 'Fjordkanten AS', invoicesDueIn: 10 },
    ]);
  });

  const order = (vatTypeId: number) => ({
    customer: { id: customerId },
    orderDate: day,
    deliveryDate: day,
    isPrioritizeAmountsIncludingVat: true,
    reference: 'PO-4711',
    orderLines: [
      {
        description: 'Lunsjbuffet',
        count: 12,
        unitPriceIncludingVatCurrency: 249,
        vatType: { id: vatTypeId },
      },
    ],
  });

  it('creates an invoice with its order inline, with an invoice number, KID and totals', async () => {
    const vat = (await tx.outgoingVatType('3'))!;
    const invoice = await tx.postInvoice(
      { invoiceDate: day, invoiceDueDate: '2026-12-04', orders: [order(vat.id!)] },
      { sendToCustomer: false },
    );
    expect(invoice).toMatchObject({
      invoiceNumber: expect.any(Number),
      kid: expect.stringMatching(/^\d+$/),
      amount: 2988,
      amountExcludingVat: 2390.4,
    });
    const credit = await tx.createCreditNote(invoice.id!, '2026-11-25', { comment: 'Retur' });
    expect(credit).toMatchObject({ isCreditNote: true, amount: -2988 });
  });

  it('invoices several orders of one customer together', async () => {
    const vat = (await tx.outgoingVatType('31'))!;
    const first = await tx.postOrder(order(vat.id!));
    const second = await tx.postOrder(order(vat.id!));
    const invoice = await tx.invoiceMultipleOrders([first.id!, second.id!], day, {
      sendToCustomer: false,
    });
    expect(invoice.orders?.map((o) => o.id).sort()).toEqual([first.id, second.id].sort());
    expect(invoice.amount).toBe(2 * 2988);
  });

  it('refuses to invoice for a company without a bank account number, with Tripletex’s 422', async () => {
    const noBank = await sandbox.createCompany({ name: 'Uten Konto AS', bankAccountNumber: null });
    const [{ id: theirCustomer }] = await sandbox.addCustomers(noBank.companyId, [
      { name: 'Kunde' },
    ]);
    const theirs = client.company({ key: 'uten-konto', employeeToken: noBank.employeeToken });
    const error = await theirs
      .postInvoice(
        {
          invoiceDate: day,
          invoiceDueDate: day,
          orders: [
            {
              customer: { id: theirCustomer },
              orderDate: day,
              deliveryDate: day,
              orderLines: [{ description: 'x', count: 1, unitPriceExcludingVatCurrency: 10 }],
            },
          ],
        },
        { sendToCustomer: false },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TripletexError);
    expect(error).toMatchObject({ kind: 'validation', status: 422, retriable: false });
    expect((error as TripletexError).validationMessages).toEqual([
      {
        field: null,
        message: 'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.',
      },
    ]);
  });
});

describe('event subscriptions', () => {
  it('subscribes, lists and unsubscribes', async () => {
    const created = await tx.createSubscription({
      event: 'customer.update',
      targetUrl: 'https://pos.example/tripletex/webhooks',
      authHeaderName: 'x-webhook-secret',
      authHeaderValue: 'not-echoed',
    });
    expect(created).toMatchObject({ id: expect.any(Number), status: 'ACTIVE' });
    expect(JSON.stringify(created)).not.toContain('not-echoed');
    expect((await tx.listSubscriptions()).values?.map((s) => s.id)).toContain(created.id);
    await tx.deleteSubscription(created.id!);
    expect((await tx.listSubscriptions()).values?.map((s) => s.id)).not.toContain(created.id);
  });
});
