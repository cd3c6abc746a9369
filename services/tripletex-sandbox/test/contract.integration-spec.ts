import { RunningService } from '@pos-tripletex/platform';
import { startForTest } from '../src/bootstrap';
import { HANDLERS } from '../src/api/tripletex-api.controller';
import { SpecRouter } from '../src/api/spec-router';
import { SpecValidator } from '../src/api/spec-validator';

// A recorded set of valid and invalid requests against the sandbox: each answers with the status
// the real API gives, every success body validates against Tripletex's own response schema, every
// error has Tripletex's error envelope, and every simulated operation is exercised.

const CONSUMER = 'contract-consumer-token';
const router = new SpecRouter();
const validator = new SpecValidator(router.spec);
let sandbox: RunningService;
const ctx: Record<string, number | string> = {};
const exercised = new Set<string>();

interface Recorded {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: () => string;
  body?: () => unknown;
  rawBody?: string;
  auth?: 'session' | 'none' | 'expired';
  status: number;
  /** Text that must appear in a validation message, for the rules the sandbox reproduces. */
  message?: string;
  /** An operator switch first (a period closed, an account changed as in Tripletex's UI). */
  before?: () => Promise<void>;
  capture?: (body: Record<string, any>) => void;
}

/** The sandbox's operator API (test switches). */
async function operator(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`operator ${path}: ${res.status} ${await res.text()}`);
}

async function send(
  r: Recorded,
): Promise<{ status: number; body: any; requestId: string | null; path: string }> {
  await r.before?.();
  const path = r.path();
  const headers: Record<string, string> = {};
  if (r.auth !== 'none') {
    const token = r.auth === 'expired' ? 'deadbeefdeadbeef' : String(ctx.session);
    headers.authorization = `Basic ${Buffer.from(`0:${token}`).toString('base64')}`;
  }
  const text = r.rawBody ?? (r.body ? JSON.stringify(r.body()) : undefined);
  if (text !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const res = await fetch(`${sandbox.url}/v2${path}`, { method: r.method, headers, body: text });
  const raw = await res.text();
  return {
    status: res.status,
    body: raw ? JSON.parse(raw) : undefined,
    requestId: res.headers.get('x-tlx-request-id'),
    path,
  };
}

const day = '2026-11-24';
const line = (description: string, price: number, vatTypeId = 3) => ({
  description,
  count: 2,
  unitPriceIncludingVatCurrency: price,
  vatType: { id: vatTypeId },
});
const order = (customerId: () => number | string) => ({
  customer: { id: customerId() },
  orderDate: day,
  deliveryDate: day,
  isPrioritizeAmountsIncludingVat: true,
  reference: 'PO-4711',
  invoiceComment: 'Julelunsj',
  orderLines: [line('Lunsjbuffet', 249)],
});

const recorded: Recorded[] = [
  // sessions and company
  {
    name: 'session with a bad consumer token',
    method: 'PUT',
    auth: 'none',
    status: 422,
    message: 'consumer token is invalid',
    path: () =>
      `/token/session/:create?consumerToken=nope&employeeToken=${String(ctx.employeeToken)}&expirationDate=2099-01-01`,
  },
  {
    name: 'session that expires today',
    method: 'PUT',
    auth: 'none',
    status: 422,
    path: () =>
      `/token/session/:create?consumerToken=${CONSUMER}&employeeToken=${String(ctx.employeeToken)}&expirationDate=2000-01-01`,
  },
  {
    name: 'session (legacy PUT)',
    method: 'PUT',
    auth: 'none',
    status: 200,
    path: () =>
      `/token/session/:create?consumerToken=${CONSUMER}&employeeToken=${String(ctx.employeeToken)}&expirationDate=2099-01-01`,
    capture: (b) => (ctx.session = b.value.token),
  },
  {
    name: 'session (POST with body)',
    method: 'POST',
    auth: 'none',
    status: 201,
    path: () => '/token/session/:create',
    body: () => ({
      consumerToken: CONSUMER,
      employeeToken: ctx.employeeToken,
      expirationDate: '2099-01-01',
    }),
  },
  {
    name: 'no session',
    method: 'GET',
    auth: 'none',
    status: 401,
    path: () => '/token/session/>whoAmI',
  },
  {
    name: 'unknown session',
    method: 'GET',
    auth: 'expired',
    status: 401,
    path: () => '/token/session/>whoAmI',
  },
  {
    name: 'whoAmI',
    method: 'GET',
    status: 200,
    path: () => '/token/session/>whoAmI',
    capture: (b) => {
      ctx.companyId = b.value.companyId;
      ctx.employeeId = b.value.employeeId;
    },
  },
  {
    name: 'company',
    method: 'GET',
    status: 200,
    path: () => `/company/${String(ctx.companyId)}?fields=id,name,organizationNumber`,
  },
  { name: 'another company', method: 'GET', status: 404, path: () => '/company/1' },
  { name: 'bad path parameter', method: 'GET', status: 400, path: () => '/company/abc' },
  {
    name: 'companies with login access',
    method: 'GET',
    status: 200,
    path: () => '/company/>withLoginAccess',
  },
  { name: 'unknown path', method: 'GET', status: 404, path: () => '/no/such/thing' },
  { name: 'method not allowed', method: 'DELETE', status: 405, path: () => '/ledger/vatType' },
  { name: 'not simulated', method: 'GET', status: 501, path: () => '/bank' },

  // chart of accounts, VAT, types
  {
    name: 'accounts',
    method: 'GET',
    status: 200,
    path: () =>
      '/ledger/account?number=1500,1900,1920,3000,3001&fields=id,number,name,ledgerType,vatLocked,vatType(id,number),bankAccountNumber',
    capture: (b) => {
      for (const a of b.values) ctx[`account${String(a.number)}`] = a.id;
    },
  },
  {
    name: 'bank accounts',
    method: 'GET',
    status: 200,
    path: () => '/ledger/account?isBankAccount=true',
  },
  {
    name: 'account',
    method: 'GET',
    status: 200,
    path: () => `/ledger/account/${String(ctx.account1920)}`,
  },
  {
    name: 'illegal fields filter',
    method: 'GET',
    status: 400,
    message: 'Illegal field',
    path: () => '/ledger/account?fields=id,nope',
  },
  {
    name: 'wrong query type',
    method: 'GET',
    status: 422,
    path: () => '/ledger/account?isBankAccount=maybe',
  },
  {
    name: 'new account',
    method: 'POST',
    status: 201,
    path: () => '/ledger/account',
    body: () => ({ number: 1921, name: 'Kortoppgjør' }),
  },
  {
    name: 'account number taken',
    method: 'POST',
    status: 422,
    path: () => '/ledger/account',
    body: () => ({ number: 1921, name: 'Igjen' }),
  },
  {
    name: 'set bank account number',
    method: 'PUT',
    status: 200,
    path: () => `/ledger/account/${String(ctx.account1920)}`,
    body: () => ({ bankAccountNumber: '12345678903', isBankAccount: true }),
  },
  {
    name: 'outgoing VAT types',
    method: 'GET',
    status: 200,
    path: () => '/ledger/vatType?typeOfVat=OUTGOING&number=33',
    capture: (b) =>
      expect(b.values).toEqual([expect.objectContaining({ id: 32, number: '33', percentage: 12 })]),
  },
  { name: 'VAT type', method: 'GET', status: 200, path: () => '/ledger/vatType/3' },
  {
    name: 'voucher types',
    method: 'GET',
    status: 200,
    path: () => '/ledger/voucherType?name=Øreavrunding',
    capture: (b) => (ctx.voucherType = b.values[0].id),
  },
  {
    name: 'voucher type',
    method: 'GET',
    status: 200,
    path: () => `/ledger/voucherType/${String(ctx.voucherType)}`,
  },
  {
    name: 'payment types',
    method: 'GET',
    status: 200,
    path: () => '/invoice/paymentType',
    capture: (b) => (ctx.paymentType = b.values[0].id),
  },
  {
    name: 'payment type',
    method: 'GET',
    status: 200,
    path: () => `/invoice/paymentType/${String(ctx.paymentType)}`,
  },

  // customers
  {
    name: 'customer',
    method: 'POST',
    status: 201,
    path: () => '/customer',
    body: () => ({
      name: 'Fjordkanten AS',
      organizationNumber: '911111111',
      email: 'post@fjordkanten.no',
      isPrivateIndividual: false,
    }),
    capture: (b) => (ctx.customer = b.value.id),
  },
  {
    name: 'second customer',
    method: 'POST',
    status: 201,
    path: () => '/customer',
    body: () => ({ name: 'Havbris AS' }),
    capture: (b) => (ctx.customer2 = b.value.id),
  },
  {
    name: 'customer with an unknown field',
    method: 'POST',
    status: 422,
    message: 'Feltet eksisterer ikke i objektet.',
    path: () => '/customer',
    body: () => ({ name: 'X', quantity: 1 }),
  },
  {
    name: 'customer without a name',
    method: 'POST',
    status: 422,
    message: 'Kan ikke være null.',
    path: () => '/customer',
    body: () => ({ email: 'a@b.no' }),
  },
  {
    name: 'invalid JSON',
    method: 'POST',
    status: 422,
    path: () => '/customer',
    rawBody: '{"name": ',
  },
  {
    name: 'customers',
    method: 'GET',
    status: 200,
    path: () => '/customer?fields=id,name,customerNumber&count=1&from=1',
  },
  {
    name: 'customers changed since',
    method: 'GET',
    status: 200,
    path: () => `/customer?changedSince=2000-01-01T00:00:00Z&organizationNumber=911111111`,
  },
  {
    name: 'customer by id',
    method: 'GET',
    status: 200,
    path: () => `/customer/${String(ctx.customer)}?fields=*,postalAddress(*)`,
  },
  {
    name: 'update customer',
    method: 'PUT',
    status: 200,
    path: () => `/customer/${String(ctx.customer)}`,
    body: () => ({ phoneNumberMobile: '99999999' }),
  },
  {
    name: 'stale version',
    method: 'PUT',
    status: 409,
    path: () => `/customer/${String(ctx.customer)}`,
    body: () => ({ version: 1, name: 'Gammel' }),
  },
  { name: 'missing customer', method: 'GET', status: 404, path: () => '/customer/1' },
  {
    name: 'delete customer',
    method: 'DELETE',
    status: 204,
    path: () => `/customer/${String(ctx.customer2)}`,
  },

  // vouchers
  {
    name: 'voucher',
    method: 'POST',
    status: 201,
    path: () => '/ledger/voucher?sendToLedger=true',
    body: () => ({
      date: day,
      description: 'Z-rapport',
      externalVoucherNumber: 'POS-demo-oslo-2026-11-24',
      voucherType: { id: ctx.voucherType },
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 1250, amountGrossCurrency: 1250 },
        {
          row: 2,
          account: { id: ctx.account3000 },
          vatType: { id: 3 },
          amountGross: -1250,
          amountGrossCurrency: -1250,
        },
      ],
    }),
    capture: (b) => (ctx.voucher = b.value.id),
  },
  {
    name: 'unbalanced voucher',
    method: 'POST',
    status: 422,
    message: 'Summen av posteringene for 2026-11-24 er ikke lik 0.',
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 100, amountGrossCurrency: 100 },
        {
          row: 2,
          account: { id: ctx.account3000 },
          vatType: { id: 3 },
          amountGross: -99.99,
          amountGrossCurrency: -99.99,
        },
      ],
    }),
  },
  {
    name: 'row 0',
    method: 'POST',
    status: 422,
    message: 'guiRow 0',
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 0, account: { id: ctx.account1920 }, amountGross: 0, amountGrossCurrency: 0 },
      ],
    }),
  },
  {
    name: 'VAT-locked account',
    method: 'POST',
    status: 422,
    message: 'er låst til mva-kode 3',
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 100, amountGrossCurrency: 100 },
        {
          row: 2,
          account: { id: ctx.account3000 },
          vatType: { id: 31 },
          amountGross: -100,
          amountGrossCurrency: -100,
        },
      ],
    }),
  },
  {
    name: '1500 without a customer',
    method: 'POST',
    status: 422,
    message: 'Kunde mangler.',
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1500 }, amountGross: 100, amountGrossCurrency: 100 },
        { row: 2, account: { id: ctx.account1920 }, amountGross: -100, amountGrossCurrency: -100 },
      ],
    }),
  },
  {
    name: 'gross currency differs',
    method: 'POST',
    status: 422,
    message: 'amountGrossCurrency',
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 100, amountGrossCurrency: 90 },
        {
          row: 2,
          account: { id: ctx.account1921 ?? ctx.account1920 },
          amountGross: -100,
          amountGrossCurrency: -100,
        },
      ],
    }),
  },
  {
    name: 'voucher without postings',
    method: 'POST',
    status: 422,
    message: 'uten posteringer',
    path: () => '/ledger/voucher',
    body: () => ({ date: day, postings: [] }),
  },
  {
    name: 'voucher by id, with its postings',
    method: 'GET',
    status: 200,
    path: () => `/ledger/voucher/${String(ctx.voucher)}?fields=*,postings(*)`,
    capture: (b) => {
      // Tripletex derives the net amount and books the VAT itself, on a system row 0.
      expect(b.value.postings.find((p: any) => p.row === 2)).toMatchObject({
        amountGross: -1250,
        amount: -1000,
      });
      expect(b.value.postings.find((p: any) => p.row === 0)).toMatchObject({
        amountGross: -250,
        systemGenerated: true,
      });
    },
  },
  {
    name: 'voucher to delete (awaiting approval)',
    method: 'POST',
    status: 201,
    path: () => '/ledger/voucher?sendToLedger=false',
    body: () => ({
      date: day,
      externalVoucherNumber: 'POS-approval-2026-11-24',
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 10, amountGrossCurrency: 10 },
        {
          row: 2,
          account: { id: ctx.account1500 },
          customer: { id: ctx.customer },
          amountGross: -10,
          amountGrossCurrency: -10,
        },
      ],
    }),
    capture: (b) => (ctx.voucherToDelete = b.value.id),
  },
  {
    name: 'a voucher awaiting approval is not found by its external number',
    method: 'GET',
    status: 200,
    path: () =>
      '/ledger/voucher/>externalVoucherNumber?externalVoucherNumber=POS-approval-2026-11-24',
    capture: (b) => expect(b.values).toEqual([]),
  },
  {
    name: 'vouchers in a period list posted vouchers only',
    method: 'GET',
    status: 200,
    path: () => '/ledger/voucher?dateFrom=2026-11-24&dateTo=2026-11-25',
    capture: (b) =>
      expect(b.values.map((v: any) => v.id)).not.toContain(Number(ctx.voucherToDelete)),
  },
  {
    name: 'non-posted vouchers need includeNonApproved',
    method: 'GET',
    status: 422,
    message: 'Kan ikke være null.',
    path: () => '/ledger/voucher/>nonPosted?dateFrom=2026-11-24&dateTo=2026-11-25',
  },
  {
    name: 'non-posted vouchers, the one awaiting approval among them',
    method: 'GET',
    status: 200,
    path: () =>
      '/ledger/voucher/>nonPosted?dateFrom=2026-11-24&dateTo=2026-11-25&includeNonApproved=true',
    capture: (b) =>
      expect(b.values.map((v: any) => [v.id, v.externalVoucherNumber])).toEqual([
        [Number(ctx.voucherToDelete), 'POS-approval-2026-11-24'],
      ]),
  },
  {
    name: 'reverse a voucher awaiting approval',
    method: 'PUT',
    status: 422,
    message: 'ikke bokført',
    path: () => `/ledger/voucher/${String(ctx.voucherToDelete)}/:reverse?date=2026-11-25`,
  },
  {
    name: 'delete a posted voucher',
    method: 'DELETE',
    status: 422,
    message: 'kan ikke slettes',
    path: () => `/ledger/voucher/${String(ctx.voucher)}`,
  },
  {
    name: 'delete voucher',
    method: 'DELETE',
    status: 204,
    path: () => `/ledger/voucher/${String(ctx.voucherToDelete)}`,
  },
  // accounting periods
  {
    name: 'accounting periods',
    method: 'GET',
    status: 200,
    path: () => '/ledger/accountingPeriod?startFrom=2026-11-01&startTo=2026-12-01',
    capture: (b) => {
      expect(b.values).toMatchObject([{ start: '2026-11-01', end: '2026-12-01', isClosed: false }]);
      ctx.period = b.values[0].id;
    },
  },
  {
    name: 'accounting period',
    method: 'GET',
    status: 200,
    path: () => `/ledger/accountingPeriod/${String(ctx.period)}`,
  },
  {
    name: 'voucher in a closed period',
    method: 'POST',
    status: 422,
    message: 'Regnskapsperioden for 2026-10-15 er lukket.',
    before: () =>
      operator('PUT', `companies/${String(ctx.companyId)}/periods`, { through: '2026-10-31' }),
    path: () => '/ledger/voucher',
    body: () => ({
      date: '2026-10-15',
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 10, amountGrossCurrency: 10 },
        { row: 2, account: { id: ctx.account1900 }, amountGross: -10, amountGrossCurrency: -10 },
      ],
    }),
  },
  {
    name: 'closed periods say so',
    method: 'GET',
    status: 200,
    path: () => '/ledger/accountingPeriod?startFrom=2026-10-01&startTo=2026-12-01',
    capture: (b) =>
      expect(b.values.map((p: any) => [p.start, p.isClosed])).toEqual([
        ['2026-10-01', true],
        ['2026-11-01', false],
      ]),
  },
  // departments
  {
    name: 'department',
    method: 'POST',
    status: 201,
    path: () => '/department',
    body: () => ({ name: 'Oslo sentrum', departmentNumber: '10' }),
    capture: (b) => (ctx.department = b.value.id),
  },
  {
    name: 'department number taken',
    method: 'POST',
    status: 422,
    message: 'Nummeret er i bruk.',
    path: () => '/department',
    body: () => ({ name: 'Bergen', departmentNumber: '10' }),
  },
  {
    name: 'departments by name',
    method: 'GET',
    status: 200,
    path: () => '/department?name=oslo',
    capture: (b) => expect(b.values.map((d: any) => d.id)).toEqual([ctx.department]),
  },
  {
    name: 'department by id',
    method: 'GET',
    status: 200,
    path: () => `/department/${String(ctx.department)}`,
  },
  {
    name: 'an account that requires a department, without one',
    method: 'POST',
    status: 422,
    message: 'krever avdeling',
    before: () =>
      operator('PUT', `companies/${String(ctx.companyId)}/accounts/1920`, {
        requiresDepartment: true,
      }),
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 10, amountGrossCurrency: 10 },
        {
          row: 2,
          account: { id: ctx.account1500 },
          customer: { id: ctx.customer },
          amountGross: -10,
          amountGrossCurrency: -10,
        },
      ],
    }),
  },
  {
    name: 'an account that requires a department, with one',
    method: 'POST',
    status: 201,
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        {
          row: 1,
          account: { id: ctx.account1920 },
          department: { id: ctx.department },
          amountGross: 10,
          amountGrossCurrency: 10,
        },
        {
          row: 2,
          account: { id: ctx.account1500 },
          customer: { id: ctx.customer },
          amountGross: -10,
          amountGrossCurrency: -10,
        },
      ],
    }),
  },
  {
    name: 'an account that takes only some VAT codes',
    method: 'POST',
    status: 422,
    message: 'mva-kode',
    before: async () => {
      await operator('PUT', `companies/${String(ctx.companyId)}/accounts/1920`, {
        requiresDepartment: false,
      });
      await operator('PUT', `companies/${String(ctx.companyId)}/accounts/3001`, {
        legalVatTypeNumbers: ['31'],
      });
    },
    path: () => '/ledger/voucher',
    body: () => ({
      date: day,
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 100, amountGrossCurrency: 100 },
        {
          row: 2,
          account: { id: ctx.account3001 },
          vatType: { id: 3 },
          amountGross: -100,
          amountGrossCurrency: -100,
        },
      ],
    }),
  },
  {
    name: 'vouchers in a period',
    method: 'GET',
    status: 200,
    path: () => '/ledger/voucher?dateFrom=2026-11-01&dateTo=2026-12-01',
  },
  {
    name: 'vouchers without a period',
    method: 'GET',
    status: 422,
    message: 'Kan ikke være null.',
    path: () => '/ledger/voucher',
  },
  {
    name: 'empty period',
    method: 'GET',
    status: 422,
    path: () => '/ledger/voucher?dateFrom=2026-11-01&dateTo=2026-11-01',
  },
  {
    name: 'voucher by external number',
    method: 'GET',
    status: 200,
    path: () =>
      '/ledger/voucher/>externalVoucherNumber?externalVoucherNumber=POS-demo-oslo-2026-11-24',
    capture: (b) => expect(b.values).toHaveLength(1),
  },
  {
    name: 'reverse voucher',
    method: 'PUT',
    status: 200,
    path: () => `/ledger/voucher/${String(ctx.voucher)}/:reverse?date=2026-11-25`,
  },
  {
    name: 'reverse twice',
    method: 'PUT',
    status: 422,
    path: () => `/ledger/voucher/${String(ctx.voucher)}/:reverse?date=2026-11-25`,
  },

  // orders and invoices
  {
    name: 'order without dates',
    method: 'POST',
    status: 422,
    message: 'Kan ikke være null.',
    path: () => '/order',
    body: () => ({ customer: { id: ctx.customer }, orderLines: [line('x', 1)] }),
  },
  {
    name: 'order line without a description',
    method: 'POST',
    status: 422,
    message: 'beskrivelse eller et produkt',
    path: () => '/order',
    body: () => ({
      ...order(() => ctx.customer),
      orderLines: [{ count: 1, unitPriceIncludingVatCurrency: 10 }],
    }),
  },
  {
    name: 'order',
    method: 'POST',
    status: 201,
    path: () => '/order',
    body: () => order(() => ctx.customer),
    capture: (b) => (ctx.order1 = b.value.id),
  },
  {
    name: 'another order',
    method: 'POST',
    status: 201,
    path: () => '/order',
    body: () => order(() => ctx.customer),
    capture: (b) => (ctx.order2 = b.value.id),
  },
  {
    name: 'order by id',
    method: 'GET',
    status: 200,
    path: () => `/order/${String(ctx.order1)}?fields=*,orderLines(*)`,
  },
  {
    name: 'orders in a period',
    method: 'GET',
    status: 200,
    path: () => '/order?orderDateFrom=2026-11-01&orderDateTo=2026-12-01',
  },
  {
    name: 'invoice with an inline order',
    method: 'POST',
    status: 201,
    path: () => '/invoice?sendToCustomer=false',
    body: () => ({
      invoiceDate: day,
      invoiceDueDate: '2026-12-08',
      orders: [order(() => ctx.customer)],
    }),
    capture: (b) => {
      ctx.invoice = b.value.id;
      expect(b.value).toMatchObject({
        amount: 498,
        amountExcludingVat: 398.4,
        invoiceNumber: expect.any(Number),
        kid: expect.stringMatching(/^\d+$/),
      });
    },
  },
  {
    name: 'invoice with two orders',
    method: 'POST',
    status: 422,
    message: 'Only one order',
    path: () => '/invoice',
    body: () => ({
      invoiceDate: day,
      invoiceDueDate: day,
      orders: [{ id: ctx.order1 }, { id: ctx.order2 }],
    }),
  },
  {
    name: 'invoice without orders',
    method: 'POST',
    status: 422,
    message: 'Listen kan ikke være tom.',
    path: () => '/invoice',
    body: () => ({ invoiceDate: day, invoiceDueDate: day, orders: [] }),
  },
  {
    name: 'invoice of several orders',
    method: 'PUT',
    status: 200,
    path: () =>
      `/order/:invoiceMultipleOrders?id=${String(ctx.order1)},${String(ctx.order2)}&invoiceDate=${day}&sendToCustomer=false`,
  },
  {
    name: 'third order',
    method: 'POST',
    status: 201,
    path: () => '/order',
    body: () => order(() => ctx.customer),
    capture: (b) => (ctx.order3 = b.value.id),
  },
  {
    name: 'invoice one order',
    method: 'PUT',
    status: 200,
    path: () => `/order/${String(ctx.order3)}/:invoice?invoiceDate=${day}&sendToCustomer=false`,
  },
  {
    name: 'invoice an invoiced order',
    method: 'PUT',
    status: 422,
    path: () => `/order/${String(ctx.order1)}/:invoice?invoiceDate=${day}`,
  },
  {
    name: 'a line added to an invoiced order',
    method: 'POST',
    status: 422,
    message: 'allerede fakturert',
    path: () => '/order/orderline',
    body: () => ({ ...line('Retur', -1), order: { id: ctx.order3 } }),
  },
  {
    name: 'an invoiced order deleted',
    method: 'DELETE',
    status: 422,
    message: 'kan ikke slettes',
    path: () => `/order/${String(ctx.order3)}`,
  },
  {
    name: 'fourth order',
    method: 'POST',
    status: 201,
    path: () => '/order',
    body: () => order(() => ctx.customer),
    capture: (b) => (ctx.order4 = b.value.id),
  },
  {
    name: 'a negative line added to an open order',
    method: 'POST',
    status: 201,
    path: () => '/order/orderline',
    body: () => ({ ...line('Retur', -1), order: { id: ctx.order4 } }),
    capture: (b) => expect(b.value.amountIncludingVatCurrency).toBeLessThan(0),
  },
  {
    name: 'an open order deleted',
    method: 'DELETE',
    status: 204,
    path: () => `/order/${String(ctx.order4)}`,
  },
  {
    name: 'a deleted order',
    method: 'GET',
    status: 404,
    path: () => `/order/${String(ctx.order4)}`,
  },
  {
    name: 'a negative invoice is a credit note',
    method: 'POST',
    status: 201,
    path: () => '/invoice?sendToCustomer=false',
    body: () => ({
      invoiceDate: day,
      invoiceDueDate: day,
      orders: [{ ...order(() => ctx.customer), orderLines: [line('Retur', -1)] }],
    }),
    capture: (b) => expect(b.value).toMatchObject({ isCreditNote: true, amount: -2 }),
  },
  {
    name: 'invoice by id',
    method: 'GET',
    status: 200,
    path: () => `/invoice/${String(ctx.invoice)}`,
  },
  {
    name: 'invoices in a period',
    method: 'GET',
    status: 200,
    path: () => '/invoice?invoiceDateFrom=2026-11-01&invoiceDateTo=2026-12-01',
  },
  {
    name: 'credit note',
    method: 'PUT',
    status: 200,
    path: () => `/invoice/${String(ctx.invoice)}/:createCreditNote?date=2026-11-25&comment=Retur`,
    capture: (b) => (ctx.creditNote = b.value.id),
  },

  // products: an invoice line is booked on its product's income account
  {
    name: 'product',
    method: 'POST',
    status: 201,
    path: () => '/product',
    body: () => ({
      name: 'Mat servert',
      number: 'POS-mat-25',
      vatType: { id: 3 },
      account: { id: ctx.account3000 },
    }),
    capture: (b) => (ctx.product = b.value.id),
  },
  {
    name: 'product with a number in use',
    method: 'POST',
    status: 422,
    message: 'Produktnummeret POS-mat-25 er i bruk.',
    path: () => '/product',
    body: () => ({ name: 'Igjen', number: 'POS-mat-25' }),
  },
  {
    name: 'product on an account locked to another VAT code',
    method: 'POST',
    status: 422,
    message: 'er låst til mva-kode 3',
    path: () => '/product',
    body: () => ({
      name: 'Mat 15',
      number: 'POS-mat-15',
      vatType: { id: 31 },
      account: { id: ctx.account3000 },
    }),
  },
  {
    name: 'products by number',
    method: 'GET',
    status: 200,
    path: () => '/product?productNumber=POS-mat-25',
    capture: (b) => expect(b.values).toHaveLength(1),
  },
  {
    name: 'product by id',
    method: 'GET',
    status: 200,
    path: () => `/product/${String(ctx.product)}`,
  },
  {
    name: 'product moved to another account',
    method: 'PUT',
    status: 200,
    path: () => `/product/${String(ctx.product)}`,
    body: () => ({ account: { id: ctx.account3000 } }),
  },
  {
    name: 'invoice of a product line',
    method: 'POST',
    status: 201,
    path: () => '/invoice?sendToCustomer=false',
    body: () => ({
      invoiceDate: day,
      invoiceDueDate: day,
      orders: [
        {
          ...order(() => ctx.customer),
          orderLines: [
            { product: { id: ctx.product }, count: 1, unitPriceIncludingVatCurrency: 125 },
          ],
        },
      ],
    }),
    capture: (b) => (ctx.productInvoice = b.value.id),
  },
  {
    name: 'a product in use deleted',
    method: 'DELETE',
    status: 422,
    path: () => `/product/${String(ctx.product)}`,
  },
  {
    name: 'an unused product deleted',
    method: 'POST',
    status: 201,
    path: () => '/product',
    body: () => ({ name: 'Kortvarig', number: 'POS-kort' }),
    capture: (b) => (ctx.shortLived = b.value.id),
  },
  {
    name: 'the unused product deleted',
    method: 'DELETE',
    status: 204,
    path: () => `/product/${String(ctx.shortLived)}`,
  },
  {
    name: 'credit note twice',
    method: 'PUT',
    status: 422,
    message: 'kreditert',
    path: () => `/invoice/${String(ctx.invoice)}/:createCreditNote?date=2026-11-25`,
  },

  // webhooks
  { name: 'events', method: 'GET', auth: 'none', status: 200, path: () => '/event' },
  {
    name: 'event example',
    method: 'GET',
    auth: 'none',
    status: 200,
    path: () => '/event/customer.update',
  },
  {
    name: 'subscription',
    method: 'POST',
    status: 201,
    path: () => '/event/subscription',
    body: () => ({
      event: 'customer.update',
      targetUrl: 'https://example.invalid/hooks',
      fields: 'id,name',
      authHeaderName: 'x-hook-secret',
      authHeaderValue: 'shh',
    }),
    capture: (b) => {
      ctx.subscription = b.value.id;
      expect(b.value.authHeaderValue).toBeUndefined();
    },
  },
  { name: 'subscriptions', method: 'GET', status: 200, path: () => '/event/subscription' },
  {
    name: 'subscription by id',
    method: 'GET',
    status: 200,
    path: () => `/event/subscription/${String(ctx.subscription)}`,
  },
  {
    name: 'disable subscription',
    method: 'PUT',
    status: 200,
    path: () => `/event/subscription/${String(ctx.subscription)}`,
    body: () => ({ status: 'DISABLED' }),
  },
  {
    name: 'unsubscribe',
    method: 'DELETE',
    status: 204,
    path: () => `/event/subscription/${String(ctx.subscription)}`,
  },
  // entitlements: what the token's employee (and a proxy's actual employee) may do
  {
    name: 'entitlements of the token owner',
    method: 'GET',
    status: 200,
    path: () => '/employee/entitlement?fields=id,name,entitlementId',
    capture: (b) =>
      expect(b.values.map((e: { name: string }) => e.name)).toEqual(
        expect.arrayContaining(['AUTH_ADVANCED_VOUCHER', 'AUTH_INVOICING', 'AUTH_CUSTOMER_INFO']),
      ),
  },
  {
    name: 'voucher into the ledger without Advanced Voucher',
    method: 'POST',
    status: 403,
    message: 'You do not have permission to access this feature.',
    before: () =>
      operator('PUT', `companies/${String(ctx.companyId)}/entitlements`, {
        revoke: ['AUTH_ADVANCED_VOUCHER'],
      }),
    path: () => '/ledger/voucher?sendToLedger=true',
    body: () => ({
      date: day,
      description: 'Z-rapport uten rettighet',
      postings: [
        { row: 1, account: { id: ctx.account1920 }, amountGross: 10, amountGrossCurrency: 10 },
        {
          row: 2,
          account: { id: ctx.account3000 },
          vatType: { id: 3 },
          amountGross: -10,
          amountGrossCurrency: -10,
        },
      ],
    }),
  },
  {
    name: 'entitlements without Advanced Voucher',
    method: 'GET',
    status: 200,
    path: () => `/employee/entitlement?employeeId=${String(ctx.employeeId)}`,
    capture: (b) =>
      expect(b.values.map((e: { name: string }) => e.name)).not.toContain('AUTH_ADVANCED_VOUCHER'),
  },
  {
    name: 'whoAmI of a proxy login',
    method: 'GET',
    status: 200,
    before: () =>
      operator('PUT', `companies/${String(ctx.companyId)}/entitlements`, {
        grant: ['AUTH_ADVANCED_VOUCHER'],
        proxy: true,
      }).then(() =>
        operator('PUT', `companies/${String(ctx.companyId)}/entitlements`, {
          employee: 'actual',
          revoke: ['AUTH_INVOICING'],
        }),
      ),
    path: () => '/token/session/>whoAmI',
    capture: (b) => {
      expect(b.value).toMatchObject({ employeeId: ctx.employeeId, employeeIsProxy: true });
      expect(b.value.actualEmployeeId).not.toBe(ctx.employeeId);
      ctx.actualEmployeeId = b.value.actualEmployeeId;
    },
  },
  {
    name: 'entitlements of the actual employee',
    method: 'GET',
    status: 200,
    path: () => `/employee/entitlement?employeeId=${String(ctx.actualEmployeeId)}`,
    capture: (b) =>
      expect(b.values.map((e: { name: string }) => e.name)).not.toContain('AUTH_INVOICING'),
  },
  {
    name: 'order when the actual employee lacks invoicing',
    method: 'POST',
    status: 403,
    message: 'You do not have permission to access this feature.',
    path: () => '/order',
    body: () => order(() => ctx.customer),
  },
  {
    name: 'customer webhook without customer information',
    method: 'POST',
    status: 403,
    message: 'You do not have permission to access this feature.',
    before: () =>
      operator('PUT', `companies/${String(ctx.companyId)}/entitlements`, {
        proxy: false,
        revoke: ['AUTH_CUSTOMER_INFO'],
      }),
    path: () => '/event/subscription',
    body: () => ({ event: 'customer.create', targetUrl: 'https://example.invalid/hooks' }),
  },
  {
    name: 'customers without customer information',
    method: 'GET',
    status: 403,
    path: () => '/customer',
  },
  {
    name: 'customers with every right again',
    method: 'GET',
    status: 200,
    before: () => operator('PUT', `companies/${String(ctx.companyId)}/entitlements`, { all: true }),
    path: () => '/customer?count=1',
  },
  {
    name: 'session logout',
    method: 'DELETE',
    status: 204,
    path: () => `/token/session/${String(ctx.session)}`,
  },
];

beforeAll(async () => {
  Object.assign(process.env, {
    SANDBOX_CONSUMER_TOKENS: CONSUMER,
    SANDBOX_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
  });
  sandbox = await startForTest();
  const res = await fetch(`${sandbox.url}/_sandbox/companies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Kontrakt AS', bankAccountNumber: '12345678903' }),
  });
  Object.assign(ctx, (await res.json()) as Record<string, string | number>);
});

afterAll(async () => {
  await sandbox?.close();
});

describe('Tripletex sandbox contract', () => {
  it.each(recorded.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
    const { status, body, requestId, path } = await send(r);
    expect({ status, body }).toMatchObject({ status: r.status });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const matched = router.match(r.method, path.split('?')[0]);
    if (status < 300) {
      expect(matched && 'operation' in matched).toBe(true);
      if (!matched || !('operation' in matched)) return;
      exercised.add(matched.operation.operationId);
      if (body !== undefined)
        expect(validator.responseProblems(matched.operation, body)).toEqual([]);
      r.capture?.(body);
    } else {
      expect(Object.keys(body).sort()).toEqual(
        [
          'code',
          'developerMessage',
          'link',
          'message',
          'requestId',
          'status',
          'validationMessages',
        ].sort(),
      );
      expect(body).toMatchObject({ status, requestId, link: 'https://tripletex.no/v2-docs/' });
      if (r.message) {
        const said = [
          body.message,
          ...(body.validationMessages ?? []).map((v: { message: string }) => v.message),
        ].join(' | ');
        expect(said).toContain(r.message);
      }
    }
  });

  it('exercised every operation the sandbox simulates with a successful call', () => {
    const notCovered = Object.keys(HANDLERS).filter((op) => !exercised.has(op));
    expect(notCovered).toEqual([]);
  });
});
