import type { operations } from '../generated/tripletex-api';
import type { Account, Company, Customer, Invoice, ListEnvelope, LoggedInUserInfo, Order, QueryOf, Subscription, VatType, Voucher, VoucherType } from '../types';
import type { CompanyCredentials } from './options';
import { TripletexHttp, TripletexRequest } from './tripletex-http';
type Query<Op extends keyof operations> = QueryOf<Op>;
export interface BankAccountStatus {
    /** Whether the company can invoice: 1920 (or another bank account) has a bank account number. */
    registered: boolean;
    accounts: Pick<Account, 'id' | 'number' | 'name' | 'bankAccountNumber' | 'isBankAccount'>[];
}
/**
 * Typed Tripletex calls for one company. Reads retry on transient failures; creates never retry
 * blindly: after a timeout or 5xx they fail with `outcomeUnknown`, and the caller looks for its
 * earlier result (e.g. `findVouchersByExternalNumber`) before creating again.
 */
export declare class TripletexCompanyClient {
    private readonly http;
    readonly credentials: CompanyCredentials;
    constructor(http: TripletexHttp, credentials: CompanyCredentials);
    call<T>(request: TripletexRequest): Promise<T>;
    private value;
    private list;
    private iterate;
    whoAmI(fields?: string): Promise<LoggedInUserInfo>;
    getCompany(id: number, fields?: string): Promise<Company>;
    listCustomers(query?: Query<'Customer_search'>): Promise<ListEnvelope<Customer>>;
    /** Every customer matching the query (e.g. `changedSince`, `isInactive`), page by page. */
    iterateCustomers(query?: Omit<Query<'Customer_search'>, 'from' | 'count'>, pageSize?: number): AsyncGenerator<Customer>;
    getCustomer(id: number, fields?: string): Promise<Customer>;
    listAccounts(query?: Query<'LedgerAccount_search'>): Promise<ListEnvelope<Account>>;
    iterateAccounts(query?: Omit<Query<'LedgerAccount_search'>, 'from' | 'count'>, pageSize?: number): AsyncGenerator<Account>;
    getAccount(id: number, fields?: string): Promise<Account>;
    /** The accounts with these ids (one request; unknown ids are simply absent). */
    accountsByIds(ids: number[], fields?: string): Promise<Account[]>;
    /** Creates an account (e.g. a card-clearing or gift-card account a fresh company lacks). */
    createAccount(account: Pick<Account, 'number' | 'name'> & Partial<Account>): Promise<Account>;
    /** The company's bank accounts and whether one has a number: without it Tripletex cannot invoice. */
    bankAccountStatus(): Promise<BankAccountStatus>;
    listVatTypes(query?: Query<'LedgerVatType_search'>): Promise<ListEnvelope<VatType>>;
    /**
     * The outgoing VAT type with this number (e.g. "3" 25 %, "31" 15 %, "33" 12 %, "5"/"6" 0 %).
     * Looked up by number, never assumed: ids differ from numbers for some codes (12 % is id 32,
     * number "33"). Cached per company for the life of the process (VAT codes do not change under us).
     */
    outgoingVatType(number: string): Promise<VatType | undefined>;
    listVoucherTypes(query?: Query<'LedgerVoucherType_search'>): Promise<ListEnvelope<VoucherType>>;
    /** Creates a voucher. Not retried after an unknown outcome: look it up by externalVoucherNumber first. */
    postVoucher(voucher: Voucher, options?: {
        sendToLedger?: boolean;
    }): Promise<Voucher>;
    getVoucher(id: number, fields?: string): Promise<Voucher>;
    /** Vouchers carrying this external number: how a retry finds a voucher posted before a crash. */
    findVouchersByExternalNumber(externalVoucherNumber: string, fields?: string): Promise<Voucher[]>;
    listVouchers(query: Query<'LedgerVoucher_search'>): Promise<ListEnvelope<Voucher>>;
    reverseVoucher(id: number, date: string): Promise<Voucher>;
    postOrder(order: Order): Promise<Order>;
    getOrder(id: number, fields?: string): Promise<Order>;
    listOrders(query: Query<'Order_search'>): Promise<ListEnvelope<Order>>;
    /** `POST /invoice`, usually with one new order inline. Tripletex's own default for sendToCustomer is true. */
    postInvoice(invoice: Invoice, options: {
        sendToCustomer: boolean;
    }): Promise<Invoice>;
    getInvoice(id: number, fields?: string): Promise<Invoice>;
    listInvoices(query: Query<'Invoice_search'>): Promise<ListEnvelope<Invoice>>;
    /** One invoice for several orders of the same customer (same currency, due date and receiver). */
    invoiceMultipleOrders(orderIds: number[], invoiceDate: string, options: {
        sendToCustomer: boolean;
    }): Promise<Invoice>;
    createCreditNote(invoiceId: number, date: string, options?: {
        comment?: string;
        sendToCustomer?: boolean;
    }): Promise<Invoice>;
    listSubscriptions(): Promise<ListEnvelope<Subscription>>;
    createSubscription(subscription: Subscription): Promise<Subscription>;
    deleteSubscription(id: number): Promise<void>;
}
export {};
