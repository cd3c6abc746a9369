"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexCompanyClient = void 0;
const tripletex_errors_1 = require("../errors/tripletex-errors");
const paginate_1 = require("./paginate");
/**
 * Typed Tripletex calls for one company. Reads retry on transient failures; creates never retry
 * blindly: after a timeout or 5xx they fail with `outcomeUnknown`, and the caller looks for its
 * earlier result (e.g. `findVouchersByExternalNumber`) before creating again.
 */
class TripletexCompanyClient {
    http;
    credentials;
    constructor(http, credentials) {
        this.http = http;
        this.credentials = credentials;
    }
    // ---- generic -------------------------------------------------------------------------------
    async call(request) {
        return (await this.http.request(this.credentials, request)).data;
    }
    async value(request) {
        return (await this.call(request)).value;
    }
    list(path, query) {
        return this.call({ method: 'GET', path, query });
    }
    iterate(path, query, pageSize) {
        return (0, paginate_1.paginate)((from, count) => this.list(path, { ...query, from, count }), pageSize);
    }
    // ---- session and company -------------------------------------------------------------------
    whoAmI(fields) {
        return this.value({ method: 'GET', path: '/token/session/>whoAmI', query: { fields } });
    }
    getCompany(id, fields) {
        return this.value({ method: 'GET', path: `/company/${id}`, query: { fields } });
    }
    // ---- customers -----------------------------------------------------------------------------
    listCustomers(query = {}) {
        return this.list('/customer', query);
    }
    /** Every customer matching the query (e.g. `changedSince`, `isInactive`), page by page. */
    iterateCustomers(query = {}, pageSize) {
        return this.iterate('/customer', query, pageSize);
    }
    getCustomer(id, fields) {
        return this.value({ method: 'GET', path: `/customer/${id}`, query: { fields } });
    }
    // ---- ledger --------------------------------------------------------------------------------
    listAccounts(query = {}) {
        return this.list('/ledger/account', query);
    }
    iterateAccounts(query = {}, pageSize) {
        return this.iterate('/ledger/account', query, pageSize);
    }
    getAccount(id, fields) {
        return this.value({ method: 'GET', path: `/ledger/account/${id}`, query: { fields } });
    }
    /** The accounts with these ids (one request; unknown ids are simply absent). */
    async accountsByIds(ids, fields) {
        if (ids.length === 0)
            return [];
        const page = await this.listAccounts({ id: [...new Set(ids)].join(','), fields, count: 1000 });
        return page.values ?? [];
    }
    /** Creates an account (e.g. a card-clearing or gift-card account a fresh company lacks). */
    createAccount(account) {
        return this.value({ method: 'POST', path: '/ledger/account', body: account });
    }
    /** The company's bank accounts and whether one has a number: without it Tripletex cannot invoice. */
    async bankAccountStatus() {
        const page = await this.listAccounts({
            isBankAccount: true,
            fields: 'id,number,name,bankAccountNumber,isBankAccount',
            count: 1000,
        });
        const accounts = page.values ?? [];
        return {
            registered: accounts.some((a) => typeof a.bankAccountNumber === 'string' && a.bankAccountNumber.trim() !== ''),
            accounts,
        };
    }
    listVatTypes(query = {}) {
        return this.list('/ledger/vatType', query);
    }
    /**
     * The outgoing VAT type with this number (e.g. "3" 25 %, "31" 15 %, "33" 12 %, "5"/"6" 0 %).
     * Looked up by number, never assumed: ids differ from numbers for some codes (12 % is id 32,
     * number "33"). Cached per company for the life of the process (VAT codes do not change under us).
     */
    outgoingVatType(number) {
        return this.http.cached(`${this.credentials.key}:vatType:OUTGOING:${number}`, () => this.listVatTypes({
            number,
            typeOfVat: 'OUTGOING',
            fields: 'id,number,name,percentage',
        }).then((page) => page.values?.find((v) => v.number === number)));
    }
    listVoucherTypes(query = {}) {
        return this.list('/ledger/voucherType', query);
    }
    // ---- vouchers ------------------------------------------------------------------------------
    /** Creates a voucher. Not retried after an unknown outcome: look it up by externalVoucherNumber first. */
    postVoucher(voucher, options = {}) {
        return this.value({
            method: 'POST',
            path: '/ledger/voucher',
            query: { sendToLedger: options.sendToLedger ?? true },
            body: voucher,
        });
    }
    getVoucher(id, fields) {
        return this.value({ method: 'GET', path: `/ledger/voucher/${id}`, query: { fields } });
    }
    /** Vouchers carrying this external number: how a retry finds a voucher posted before a crash. */
    async findVouchersByExternalNumber(externalVoucherNumber, fields) {
        const page = await this.list('/ledger/voucher/>externalVoucherNumber', {
            externalVoucherNumber,
            fields,
        });
        return page.values ?? [];
    }
    listVouchers(query) {
        return this.list('/ledger/voucher', query);
    }
    reverseVoucher(id, date) {
        return this.value({ method: 'PUT', path: `/ledger/voucher/${id}/:reverse`, query: { date } });
    }
    // ---- orders and invoices -------------------------------------------------------------------
    postOrder(order) {
        return this.value({ method: 'POST', path: '/order', body: order });
    }
    getOrder(id, fields) {
        return this.value({ method: 'GET', path: `/order/${id}`, query: { fields } });
    }
    listOrders(query) {
        return this.list('/order', query);
    }
    /** `POST /invoice`, usually with one new order inline. Tripletex's own default for sendToCustomer is true. */
    postInvoice(invoice, options) {
        return this.value({
            method: 'POST',
            path: '/invoice',
            query: { sendToCustomer: options.sendToCustomer },
            body: invoice,
        });
    }
    getInvoice(id, fields) {
        return this.value({ method: 'GET', path: `/invoice/${id}`, query: { fields } });
    }
    listInvoices(query) {
        return this.list('/invoice', query);
    }
    /** One invoice for several orders of the same customer (same currency, due date and receiver). */
    invoiceMultipleOrders(orderIds, invoiceDate, options) {
        if (orderIds.length === 0) {
            throw new tripletex_errors_1.TripletexError('validation', 'invoiceMultipleOrders needs at least one order', {
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
    createCreditNote(invoiceId, date, options = {}) {
        return this.value({
            method: 'PUT',
            path: `/invoice/${invoiceId}/:createCreditNote`,
            query: { date, comment: options.comment, sendToCustomer: options.sendToCustomer },
        });
    }
    // ---- webhooks ------------------------------------------------------------------------------
    listSubscriptions() {
        return this.list('/event/subscription', { fields: 'id,event,targetUrl,status,fields' });
    }
    createSubscription(subscription) {
        return this.value({ method: 'POST', path: '/event/subscription', body: subscription });
    }
    async deleteSubscription(id) {
        await this.call({ method: 'DELETE', path: `/event/subscription/${id}` });
    }
}
exports.TripletexCompanyClient = TripletexCompanyClient;
//# sourceMappingURL=tripletex-company.client.js.map