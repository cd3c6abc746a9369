import { TripletexError } from '../errors/tripletex-errors';
import type { operations } from '../generated/tripletex-api';
import type {
  Account,
  AccountingPeriod,
  Company,
  Customer,
  Department,
  Entitlement,
  Invoice,
  ListEnvelope,
  LoggedInUserInfo,
  Order,
  OrderLine,
  Product,
  QueryOf,
  Subscription,
  ValueEnvelope,
  VatType,
  Voucher,
  VoucherType,
} from '../types';
import { effectiveEntitlements, EffectiveEntitlements } from '../entitlements/entitlements';
import type { CompanyCredentials } from './options';
import { paginate } from './paginate';
import { QueryValue, TripletexHttp, TripletexRequest } from './tripletex-http';

type Query<Op extends keyof operations> = QueryOf<Op>;

type BankAccount = Pick<
  Account,
  'id' | 'number' | 'name' | 'bankAccountNumber' | 'isBankAccount' | 'isInvoiceAccount'
>;

export interface BankAccountStatus {
  /** Whether the company can invoice: its invoice bank account has a bank account number. */
  registered: boolean;
  /**
   * The account invoices are paid to: the bank account Tripletex marks `isInvoiceAccount`, else
   * 1920 Bankinnskudd (undefined when the company has neither).
   */
  invoiceAccount?: BankAccount;
  /** Every bank account of the company (a number on another one, e.g. 1940, does not count). */
  accounts: BankAccount[];
}

/** The invoice bank account among the company's bank accounts (see BankAccountStatus). */
export function invoiceBankAccount(accounts: BankAccount[]): BankAccount | undefined {
  return (
    accounts.find((a) => a.isInvoiceAccount === true) ?? accounts.find((a) => a.number === 1920)
  );
}

/**
 * Typed Tripletex calls for one company. Reads retry on transient failures; creates never retry
 * blindly: after a timeout or 5xx they fail with `outcomeUnknown`, and the caller looks for its
 * earlier result (e.g. `findVouchersByExternalNumber`) before creating again.
 */
export class TripletexCompanyClient {
  constructor(
    private readonly http: TripletexHttp,
    readonly credentials: CompanyCredentials,
  ) {}

  // ---- generic -------------------------------------------------------------------------------

  private async call<T>(request: TripletexRequest): Promise<T> {
    return (await this.http.request<T>(this.credentials, request)).data;
  }

  private async value<T>(request: TripletexRequest): Promise<T> {
    return (await this.call<ValueEnvelope<T>>(request)).value;
  }

  private list<T>(path: string, query: Record<string, QueryValue>): Promise<ListEnvelope<T>> {
    return this.call<ListEnvelope<T>>({ method: 'GET', path, query });
  }

  private iterate<T>(
    path: string,
    query: Record<string, QueryValue>,
    pageSize?: number,
  ): AsyncGenerator<T> {
    return paginate<T>((from, count) => this.list<T>(path, { ...query, from, count }), pageSize);
  }

  // ---- session and company -------------------------------------------------------------------

  whoAmI(fields?: string): Promise<LoggedInUserInfo> {
    return this.value({ method: 'GET', path: '/token/session/>whoAmI', query: { fields } });
  }

  /** `GET /employee/entitlement?employeeId=`: an employee's rights (default: the token's owner). */
  async entitlements(employeeId?: number): Promise<Entitlement[]> {
    const out: Entitlement[] = [];
    for await (const entitlement of this.iterate<Entitlement>('/employee/entitlement', {
      employeeId,
      fields: 'id,name,entitlementId',
    }))
      out.push(entitlement);
    return out;
  }

  /**
   * What the token may effectively do: whoAmI's `employeeId` (the owner) and, when it differs,
   * `actualEmployeeId` (a proxy login), each one's entitlements, and their intersection.
   */
  async effectiveEntitlements(me?: LoggedInUserInfo): Promise<EffectiveEntitlements> {
    const who = me ?? (await this.whoAmI('employeeId,actualEmployeeId'));
    const employeeId = who.employeeId as number;
    const names = (list: Entitlement[]) =>
      list.map((e) => e.name).filter((n): n is string => typeof n === 'string');
    const own = names(await this.entitlements(employeeId));
    const actualId = who.actualEmployeeId;
    if (actualId === undefined || actualId === null || actualId === employeeId)
      return effectiveEntitlements(employeeId, own);
    return effectiveEntitlements(employeeId, own, {
      employeeId: actualId,
      names: names(await this.entitlements(actualId)),
    });
  }

  getCompany(id: number, fields?: string): Promise<Company> {
    return this.value({ method: 'GET', path: `/company/${id}`, query: { fields } });
  }

  // ---- customers -----------------------------------------------------------------------------

  listCustomers(query: Query<'Customer_search'> = {}): Promise<ListEnvelope<Customer>> {
    return this.list('/customer', query);
  }

  /** Every customer matching the query (e.g. `changedSince`, `isInactive`), page by page. */
  iterateCustomers(
    query: Omit<Query<'Customer_search'>, 'from' | 'count'> = {},
    pageSize?: number,
  ): AsyncGenerator<Customer> {
    return this.iterate('/customer', query, pageSize);
  }

  createCustomer(customer: Customer): Promise<Customer> {
    return this.value({ method: 'POST', path: '/customer', body: customer });
  }

  updateCustomer(id: number, customer: Customer): Promise<Customer> {
    return this.value({ method: 'PUT', path: `/customer/${id}`, body: customer });
  }

  getCustomer(id: number, fields?: string): Promise<Customer> {
    return this.value({ method: 'GET', path: `/customer/${id}`, query: { fields } });
  }

  // ---- departments -------------------------------------------------------------------------

  /**
   * Every department matching the query (`id` list, `name` / `departmentNumber` containing,
   * `isInactive`), page by page. A POS location's postings carry its department.
   */
  async listDepartments(
    query: Omit<Query<'Department_search'>, 'from' | 'count'> = {},
  ): Promise<Department[]> {
    const out: Department[] = [];
    for await (const department of this.iterate<Department>('/department', query))
      out.push(department);
    return out;
  }

  /** `POST /department`; Tripletex numbers it when `departmentNumber` is left out (a taken one: 422). */
  createDepartment(department: { name: string; departmentNumber?: string }): Promise<Department> {
    return this.value({ method: 'POST', path: '/department', body: department });
  }

  // ---- ledger --------------------------------------------------------------------------------

  listAccounts(query: Query<'LedgerAccount_search'> = {}): Promise<ListEnvelope<Account>> {
    return this.list('/ledger/account', query);
  }

  iterateAccounts(
    query: Omit<Query<'LedgerAccount_search'>, 'from' | 'count'> = {},
    pageSize?: number,
  ): AsyncGenerator<Account> {
    return this.iterate('/ledger/account', query, pageSize);
  }

  getAccount(id: number, fields?: string): Promise<Account> {
    return this.value({ method: 'GET', path: `/ledger/account/${id}`, query: { fields } });
  }

  /** The accounts with these ids (one request; unknown ids are simply absent). */
  updateAccount(id: number, account: Account): Promise<Account> {
    return this.value({ method: 'PUT', path: `/ledger/account/${id}`, body: account });
  }

  async accountsByIds(ids: number[], fields?: string): Promise<Account[]> {
    if (ids.length === 0) return [];
    const page = await this.listAccounts({ id: [...new Set(ids)].join(','), fields, count: 1000 });
    return page.values ?? [];
  }

  /** Creates an account (e.g. a card-clearing or gift-card account a fresh company lacks). */
  createAccount(account: Pick<Account, 'number' | 'name'> & Partial<Account>): Promise<Account> {
    return this.value({ method: 'POST', path: '/ledger/account', body: account });
  }

  /**
   * Whether the company's invoice bank account has a number: without it Tripletex cannot invoice
   * (FACTS 25). Only that account counts – the one marked `isInvoiceAccount`, else 1920 – not a
   * number on any other bank account (1940 Bankinnskudd utland, 1950 skattetrekk).
   */
  async bankAccountStatus(): Promise<BankAccountStatus> {
    const page = await this.listAccounts({
      isBankAccount: true,
      fields: 'id,number,name,bankAccountNumber,isBankAccount,isInvoiceAccount',
      count: 1000,
    });
    const accounts = page.values ?? [];
    const invoiceAccount = invoiceBankAccount(accounts);
    const number = invoiceAccount?.bankAccountNumber;
    return {
      registered: typeof number === 'string' && number.trim() !== '',
      invoiceAccount,
      accounts,
    };
  }

  listVatTypes(query: Query<'LedgerVatType_search'> = {}): Promise<ListEnvelope<VatType>> {
    return this.list('/ledger/vatType', query);
  }

  /**
   * The outgoing VAT type with this number (e.g. "3" 25 %, "31" 15 %, "33" 12 %, "5"/"6" 0 %).
   * Looked up by number, never assumed: ids differ from numbers for some codes (12 % is id 32,
   * number "33"). Cached per company for the life of the process (VAT codes do not change under us).
   */
  outgoingVatType(number: string): Promise<VatType | undefined> {
    return this.http.cached(`${this.credentials.key}:vatType:OUTGOING:${number}`, () =>
      this.listVatTypes({
        number,
        typeOfVat: 'OUTGOING',
        fields: 'id,number,name,percentage',
      }).then((page) => page.values?.find((v) => v.number === number)),
    );
  }

  listVoucherTypes(
    query: Query<'LedgerVoucherType_search'> = {},
  ): Promise<ListEnvelope<VoucherType>> {
    return this.list('/ledger/voucherType', query);
  }

  // ---- vouchers ------------------------------------------------------------------------------

  /** Creates a voucher. Not retried after an unknown outcome: look it up by externalVoucherNumber first. */
  postVoucher(voucher: Voucher, options: { sendToLedger?: boolean } = {}): Promise<Voucher> {
    return this.value({
      method: 'POST',
      path: '/ledger/voucher',
      query: { sendToLedger: options.sendToLedger ?? true },
      body: voucher,
    });
  }

  getVoucher(id: number, fields?: string): Promise<Voucher> {
    return this.value({ method: 'GET', path: `/ledger/voucher/${id}`, query: { fields } });
  }

  /** Vouchers carrying this external number: how a retry finds a voucher posted before a crash. */
  async findVouchersByExternalNumber(
    externalVoucherNumber: string,
    fields?: string,
  ): Promise<Voucher[]> {
    const page = await this.list<Voucher>('/ledger/voucher/>externalVoucherNumber', {
      externalVoucherNumber,
      fields,
    });
    return page.values ?? [];
  }

  listVouchers(query: Query<'LedgerVoucher_search'>): Promise<ListEnvelope<Voucher>> {
    return this.list('/ledger/voucher', query);
  }

  /**
   * Vouchers not (yet) in the ledger – created with `sendToLedger=false` and waiting for approval –
   * dated in [dateFrom, dateTo). `GET /ledger/voucher` and `>externalVoucherNumber` do not list them.
   */
  async nonPostedVouchers(dateFrom: string, dateTo: string, fields?: string): Promise<Voucher[]> {
    const out: Voucher[] = [];
    for await (const voucher of this.iterate<Voucher>('/ledger/voucher/>nonPosted', {
      dateFrom,
      dateTo,
      includeNonApproved: true,
      fields,
    }))
      out.push(voucher);
    return out;
  }

  /** `DELETE /ledger/voucher/{id}`: only for a voucher not in the ledger (we never delete a posted one). */
  async deleteVoucher(id: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/ledger/voucher/${id}` });
  }

  /** The company's accounting periods overlapping [from, to). */
  async accountingPeriods(from: string, to: string): Promise<AccountingPeriod[]> {
    const out: AccountingPeriod[] = [];
    for await (const period of this.iterate<AccountingPeriod>('/ledger/accountingPeriod', {
      startTo: to,
      endFrom: from,
      fields: 'id,start,end,isClosed',
    }))
      out.push(period);
    return out;
  }

  reverseVoucher(id: number, date: string): Promise<Voucher> {
    return this.value({ method: 'PUT', path: `/ledger/voucher/${id}/:reverse`, query: { date } });
  }

  // ---- orders and invoices -------------------------------------------------------------------

  postOrder(order: Order): Promise<Order> {
    return this.value({ method: 'POST', path: '/order', body: order });
  }

  getOrder(id: number, fields?: string): Promise<Order> {
    return this.value({ method: 'GET', path: `/order/${id}`, query: { fields } });
  }

  listOrders(query: Query<'Order_search'>): Promise<ListEnvelope<Order>> {
    return this.list('/order', query);
  }

  /** `POST /invoice`, usually with one new order inline. Tripletex's own default for sendToCustomer is true. */
  postInvoice(invoice: Invoice, options: { sendToCustomer: boolean }): Promise<Invoice> {
    return this.value({
      method: 'POST',
      path: '/invoice',
      query: { sendToCustomer: options.sendToCustomer },
      body: invoice,
    });
  }

  getInvoice(id: number, fields?: string): Promise<Invoice> {
    return this.value({ method: 'GET', path: `/invoice/${id}`, query: { fields } });
  }

  listInvoices(query: Query<'Invoice_search'>): Promise<ListEnvelope<Invoice>> {
    return this.list('/invoice', query);
  }

  /**
   * `PUT /order/{id}/:invoice`: the invoice of an order created before; Tripletex dates its due
   * date by the order's (the customer's) terms. `sendType` overrides the customer's send method.
   */
  invoiceOrder(
    orderId: number,
    invoiceDate: string,
    options: { sendToCustomer: boolean; sendType?: string },
  ): Promise<Invoice> {
    return this.value({
      method: 'PUT',
      path: `/order/${orderId}/:invoice`,
      query: { invoiceDate, sendToCustomer: options.sendToCustomer, sendType: options.sendType },
    });
  }

  /** One invoice for several orders of the same customer (same currency, due date and receiver). */
  invoiceMultipleOrders(
    orderIds: number[],
    invoiceDate: string,
    options: { sendToCustomer: boolean },
  ): Promise<Invoice> {
    if (orderIds.length === 0) {
      throw new TripletexError('validation', 'invoiceMultipleOrders needs at least one order', {
        status: 0,
        method: 'PUT',
        path: '/order/:invoiceMultipleOrders',
      });
    }
    return this.value({
      method: 'PUT',
      path: '/order/:invoiceMultipleOrders',
      query: { id: orderIds, invoiceDate, sendToCustomer: options.sendToCustomer },
    });
  }

  /** `DELETE /order/{id}`: an order not invoiced yet (e.g. its sale was refunded in full). */
  async deleteOrder(id: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/order/${id}` });
  }

  /** `POST /order/orderline`: a line added to an order not invoiced yet. */
  postOrderLine(line: OrderLine & { order: { id: number } }): Promise<OrderLine> {
    return this.value({ method: 'POST', path: '/order/orderline', body: line });
  }

  /**
   * A credit note for the whole invoice. `sendType` delivers it (Tripletex: an e-mail customer's
   * credit note is not sent unless `creditNoteEmail` is given); without it, `sendToCustomer`
   * (deprecated by Tripletex in favour of sendType) decides.
   */
  createCreditNote(
    invoiceId: number,
    date: string,
    options: {
      comment?: string;
      sendToCustomer?: boolean;
      sendType?: string;
      creditNoteEmail?: string;
    } = {},
  ): Promise<Invoice> {
    return this.value({
      method: 'PUT',
      path: `/invoice/${invoiceId}/:createCreditNote`,
      query: {
        date,
        comment: options.comment,
        sendToCustomer: options.sendType === undefined ? options.sendToCustomer : undefined,
        sendType: options.sendType,
        creditNoteEmail: options.creditNoteEmail,
      },
    });
  }

  // ---- products ------------------------------------------------------------------------------

  /** Products by number (exact), e.g. the ones this system keeps per product group and rate. */
  listProducts(query: Query<'Product_search'>): Promise<ListEnvelope<Product>> {
    return this.list('/product', query);
  }

  postProduct(product: Product): Promise<Product> {
    return this.value({ method: 'POST', path: '/product', body: product });
  }

  /** A partial update, with `version` for Tripletex's optimistic locking. */
  putProduct(id: number, product: Product): Promise<Product> {
    return this.value({ method: 'PUT', path: `/product/${id}`, body: product });
  }

  // ---- webhooks ------------------------------------------------------------------------------

  listSubscriptions(): Promise<ListEnvelope<Subscription>> {
    return this.list('/event/subscription', { fields: 'id,event,targetUrl,status,fields' });
  }

  createSubscription(subscription: Subscription): Promise<Subscription> {
    return this.value({ method: 'POST', path: '/event/subscription', body: subscription });
  }

  /** `PUT /event/subscription/{id}`, e.g. `{ status: 'ACTIVE' }` for one Tripletex disabled. */
  updateSubscription(id: number, subscription: Subscription): Promise<Subscription> {
    return this.value({ method: 'PUT', path: `/event/subscription/${id}`, body: subscription });
  }

  async deleteSubscription(id: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/event/subscription/${id}` });
  }
}
