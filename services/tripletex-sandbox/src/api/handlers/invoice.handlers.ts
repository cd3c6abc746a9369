import { DateTime } from 'luxon';
import { SandboxError, Texts } from '../sandbox-error';
import type { CompanyState, Entity, Json, SandboxState } from '../../state/sandbox-state';
import {
  companyOf,
  empty,
  Handler,
  HandlerContext,
  idList,
  list,
  ref,
  sortBy,
  value,
} from './handler';
import { fromOre, netOfGross, toOre } from './money';
import { createVoucher } from './voucher.handlers';

type Problem = { field: string | null; message: string };
type Deps = Pick<HandlerContext, 'state'>;

/**
 * Invoicing needs a bank account number on the company's invoice bank account (FACTS 25): the
 * account marked `isInvoiceAccount`, else 1920 – a number on another bank account does not count.
 */
function requireBankAccount(company: CompanyState): void {
  const accounts = [...company.accounts.values()];
  const invoiceAccount =
    accounts.find((a) => a.isInvoiceAccount === true) ?? accounts.find((a) => a.number === 1920);
  const number = invoiceAccount?.bankAccountNumber;
  if (typeof number !== 'string' || number.trim() === '')
    throw SandboxError.validation([{ field: null, message: Texts.noBankAccount }]);
}

/** KID: the invoice number with a MOD10 (Luhn) check digit. */
export function kidOf(invoiceNumber: number): string {
  const digits = String(invoiceNumber).padStart(6, '0');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

function orderLineAmounts(
  state: SandboxState,
  company: CompanyState,
  line: Json,
  pricesIncludeVat: boolean,
  problems: Problem[],
): Json {
  if (typeof line.description !== 'string' && line.product === undefined) {
    problems.push({ field: 'orderLines.description', message: Texts.orderLineDescription });
  }
  const product = line.product === undefined ? undefined : ref(company.products, line.product);
  if (line.product !== undefined && !product)
    problems.push({ field: 'orderLines.product.id', message: 'Produktet finnes ikke.' });
  const given = line.vatType === undefined ? undefined : ref(company.vatTypes, line.vatType);
  if (line.vatType !== undefined && (!given || !state.isOutgoingVat(given))) {
    problems.push({ field: 'orderLines.vatType.id', message: Texts.invalidVat });
  }
  // FACTS 26: a product's own VAT code wins over the line's.
  const vat = (product?.vatType as Entity | undefined) ?? given;
  const count = (line.count as number | undefined) ?? 0; // Tripletex's default: a line without count is 0
  const percentage = (vat?.percentage as number | undefined) ?? 0;
  const discount = (line.discount as number | undefined) ?? 0;
  const priceField = pricesIncludeVat
    ? 'unitPriceIncludingVatCurrency'
    : 'unitPriceExcludingVatCurrency';
  const otherField = pricesIncludeVat
    ? 'unitPriceExcludingVatCurrency'
    : 'unitPriceIncludingVatCurrency';
  if (line[otherField] !== undefined && line[priceField] === undefined) {
    problems.push({
      field: `orderLines.${otherField}`,
      message: pricesIncludeVat
        ? 'The unit price must be inclusive VAT since the unit price on the order is inclusive VAT.'
        : 'The unit price must be exclusive VAT since the unit price on the order is exclusive VAT.',
    });
  }
  const unit =
    toOre(line[priceField] ?? 0) ?? Math.round(((line[priceField] as number) ?? 0) * 100);
  const lineTotal = Math.round(unit * count * (1 - discount / 100));
  const gross = pricesIncludeVat ? lineTotal : Math.round((lineTotal * (100 + percentage)) / 100);
  const net = pricesIncludeVat ? netOfGross(lineTotal, percentage) : lineTotal;
  return {
    ...line,
    ...(product ? { product: { id: product.id } } : {}),
    description: line.description ?? product?.name,
    count,
    vatType: vat,
    amountExcludingVatCurrency: fromOre(net),
    amountIncludingVatCurrency: fromOre(gross),
  };
}

/** POST /order (also an order inline in POST /invoice). */
export function createOrder(ctx: Deps, company: CompanyState, body: Json): Entity {
  const problems: Problem[] = [];
  if (body.id !== undefined)
    problems.push({ field: 'id', message: 'An ID cannot be set when creating a new object.' });
  const customer = ref(company.customers, body.customer);
  if (!customer)
    problems.push({
      field: 'customer.id',
      message: body.customer === undefined ? Texts.notNull : 'Kunden finnes ikke.',
    });
  else if (customer.isInactive === true)
    problems.push({ field: 'customer.id', message: 'Kunden er inaktiv.' });
  if (body.department !== undefined && !ref(company.departments, body.department))
    problems.push({ field: 'department.id', message: 'Avdelingen finnes ikke.' });
  if (typeof body.orderDate !== 'string')
    problems.push({ field: 'orderDate', message: Texts.notNull });
  if (typeof body.deliveryDate !== 'string')
    problems.push({ field: 'deliveryDate', message: Texts.notNull });
  const pricesIncludeVat = body.isPrioritizeAmountsIncludingVat === true;
  const lines = ((body.orderLines as Json[] | undefined) ?? []).map((l) =>
    orderLineAmounts(ctx.state, company, l, pricesIncludeVat, problems),
  );
  if (problems.length) throw SandboxError.validation(problems);
  const id = ctx.state.id();
  const order: Entity = {
    invoicesDueIn: customer?.invoicesDueIn ?? 14,
    invoicesDueInType: customer?.invoicesDueInType ?? 'DAYS',
    ...body,
    id,
    version: 1,
    url: ctx.state.url('order', id),
    number: String(++company.counters.orderNumber),
    customer,
    isPrioritizeAmountsIncludingVat: pricesIncludeVat,
    isClosed: false,
    orderLines: lines.map((l) => {
      const lineId = ctx.state.id();
      return {
        ...l,
        id: lineId,
        version: 1,
        url: ctx.state.url('order/orderline', lineId),
        order: { id },
      };
    }),
  };
  company.orders.set(id, order);
  return order;
}

/** Where an invoice line is booked when its product does not say (VAT code → account). */
const DEFAULT_REVENUE_ACCOUNT: Readonly<Record<string, number>> = {
  '3': 3000,
  '31': 3001,
  '33': 3002,
  '5': 3100,
  '6': 3200,
};

/**
 * An invoice books itself (FACTS 27): the receivable on 1500 with the customer, each line's
 * revenue on its product's account when the product's VAT code is the line's, else on the VAT
 * code's default account – through the same checks as any voucher (locks, departments, periods).
 */
function invoiceVoucher(
  ctx: Deps,
  company: CompanyState,
  invoice: {
    date: string;
    description: string;
    customer: Entity;
    department?: unknown;
    lines: Json[];
  },
): Entity {
  const byNumber = (n: number) => [...company.accounts.values()].find((a) => a.number === n);
  const revenue = new Map<
    string,
    { account: Entity; vatType: Entity | undefined; gross: number }
  >();
  let total = 0;
  for (const line of invoice.lines) {
    const gross = Math.round((line.amountIncludingVatCurrency as number) * 100);
    total += gross;
    const vat = line.vatType as Entity | undefined;
    const product = line.product === undefined ? undefined : ref(company.products, line.product);
    const own = product?.account as Entity | undefined;
    const account =
      own && (product?.vatType as Entity | undefined)?.id === vat?.id
        ? own
        : byNumber(DEFAULT_REVENUE_ACCOUNT[(vat?.number as string | undefined) ?? '3'] ?? 3000);
    if (!account) continue;
    const key = `${String(account.id)}:${String(vat?.id ?? '')}`;
    const entry = revenue.get(key) ?? { account, vatType: vat, gross: 0 };
    entry.gross += gross;
    revenue.set(key, entry);
  }
  const receivable = byNumber(1500);
  const department = invoice.department as Json | undefined;
  const postings: Json[] = [
    {
      row: 1,
      account: { id: receivable?.id },
      customer: { id: invoice.customer.id },
      amountGross: fromOre(total),
      amountGrossCurrency: fromOre(total),
      description: invoice.description,
    },
    ...[...revenue.values()]
      .filter((entry) => entry.gross !== 0)
      .map((entry, n) => ({
        row: n + 2,
        account: { id: entry.account.id },
        ...(entry.vatType ? { vatType: { id: entry.vatType.id } } : {}),
        ...(department ? { department } : {}),
        amountGross: fromOre(-entry.gross),
        amountGrossCurrency: fromOre(-entry.gross),
        description: invoice.description,
      })),
  ];
  const type = [...company.voucherTypes.values()].find((t) => t.name === 'Utgående faktura');
  return createVoucher(
    ctx,
    company,
    {
      date: invoice.date,
      description: invoice.description,
      ...(type ? { voucherType: { id: type.id } } : {}),
      postings,
    },
    true,
  );
}

/**
 * The invoice's due date from the order's terms (taken from the customer): days, months, or a
 * fixed day of the month (RECURRING_DAY_OF_MONTH: the next such day after the invoice date; 31
 * means the month's last day). Without terms, 14 days (a fresh company's default).
 */
export function dueDateOf(invoiceDate: string, terms: Json): string {
  const dueIn = typeof terms.invoicesDueIn === 'number' ? terms.invoicesDueIn : 14;
  const date = DateTime.fromISO(invoiceDate);
  if (terms.invoicesDueInType === 'RECURRING_DAY_OF_MONTH') {
    const inMonth = (month: DateTime) =>
      month.set({ day: Math.min(dueIn, month.daysInMonth ?? 28) });
    const thisMonth = inMonth(date);
    return (
      thisMonth > date ? thisMonth : inMonth(date.plus({ months: 1 }).startOf('month'))
    ).toISODate() as string;
  }
  return date
    .plus({ [terms.invoicesDueInType === 'MONTHS' ? 'months' : 'days']: dueIn })
    .toISODate() as string;
}

/** The customer's send method (FACTS 28: a business customer defaults to EHF), or the one asked. */
function sendMethodOf(customer: Entity, asked?: string): string {
  return (
    asked ??
    (customer.invoiceSendMethod as string | undefined) ??
    (customer.isPrivateIndividual === true ? 'EMAIL' : 'EHF')
  );
}

/**
 * An invoice sent to the customer must be deliverable: EHF needs the customer's organisation
 * number and postal address, e-mail an address (the texts are assumptions: no log shows them).
 */
function requireDeliverable(customer: Entity, asked?: string): void {
  const method = sendMethodOf(customer, asked);
  const problems: Problem[] = [];
  if (method === 'EHF') {
    if (typeof customer.organizationNumber !== 'string' || customer.organizationNumber === '')
      problems.push({
        field: 'customer.organizationNumber',
        message: Texts.ehfNeedsOrganizationNumber,
      });
    const address = customer.postalAddress as Json | undefined;
    if (!address || typeof address.addressLine1 !== 'string' || address.addressLine1 === '')
      problems.push({ field: 'customer.postalAddress', message: Texts.ehfNeedsAddress });
  }
  if (method === 'EMAIL') {
    const email =
      (customer.invoiceEmail as string | undefined) || (customer.email as string | undefined);
    if (!email) problems.push({ field: 'customer.invoiceEmail', message: Texts.emailNeedsAddress });
  }
  if (problems.length) throw SandboxError.validation(problems);
}

/** One invoice for one or more open orders of one customer. */
function invoiceOrders(
  ctx: Deps,
  company: CompanyState,
  orders: Entity[],
  fields: {
    invoiceDate: string;
    invoiceDueDate?: string;
    comment?: unknown;
    sendToCustomer: boolean;
    /** `PUT /order/{id}/:invoice?sendType=`: overrides the customer's send method. */
    sendType?: string;
  },
): Entity {
  requireBankAccount(company);
  const problems: Problem[] = [];
  for (const order of orders) {
    if (order.isClosed === true)
      problems.push({
        field: 'orders',
        message: `Ordre ${String(order.number)} er allerede fakturert.`,
      });
  }
  const lines = orders.flatMap((o) => o.orderLines as Json[]);
  if (lines.length === 0) problems.push({ field: null, message: Texts.noOrderLines });
  if (problems.length) throw SandboxError.validation(problems);
  const first = orders[0];
  const customer =
    company.customers.get((first.customer as Entity).id) ?? (first.customer as Entity);
  if (fields.sendToCustomer) requireDeliverable(customer, fields.sendType);
  const dueDate = fields.invoiceDueDate ?? dueDateOf(fields.invoiceDate, first);
  const gross = lines.reduce(
    (s, l) => s + Math.round((l.amountIncludingVatCurrency as number) * 100),
    0,
  );
  const net = lines.reduce(
    (s, l) => s + Math.round((l.amountExcludingVatCurrency as number) * 100),
    0,
  );
  const id = ctx.state.id();
  // The invoice's own voucher first: a closed period or an account the lines cannot be booked on
  // refuses the invoice before anything changes.
  const invoiceNumber = company.counters.invoiceNumber + 1;
  const voucher = invoiceVoucher(ctx, company, {
    date: fields.invoiceDate,
    description: `${gross < 0 ? 'Kreditnota' : 'Faktura'} ${invoiceNumber}`,
    customer,
    department: first.department,
    lines,
  });
  company.counters.invoiceNumber = invoiceNumber;
  const invoice: Entity = {
    id,
    version: 1,
    url: ctx.state.url('invoice', id),
    invoiceNumber,
    invoiceDate: fields.invoiceDate,
    invoiceDueDate: dueDate,
    customer,
    kid: kidOf(invoiceNumber),
    comment: fields.comment,
    invoiceComment: first.invoiceComment,
    orders: orders.map((o) => ({ id: o.id, url: o.url })),
    orderLines: lines,
    deliveryDate: first.deliveryDate,
    amount: fromOre(gross),
    amountCurrency: fromOre(gross),
    amountExcludingVat: fromOre(net),
    amountExcludingVatCurrency: fromOre(net),
    amountOutstanding: fromOre(gross),
    amountCurrencyOutstanding: fromOre(gross),
    // An invoice whose total is negative is a credit note (e.g. the part of a sale refunded).
    isCreditNote: gross < 0,
    isCredited: false,
    isCharged: true,
    isApproved: true,
    ehfSendStatus: fields.sendToCustomer ? 'SENT' : 'DO_NOT_SEND',
    sendType: fields.sendToCustomer ? sendMethodOf(customer, fields.sendType) : undefined,
    voucher: { id: voucher.id, url: voucher.url },
  };
  for (const order of orders)
    company.orders.set(order.id, { ...order, isClosed: true, version: order.version + 1 });
  company.invoices.set(id, invoice);
  ctx.state.touch(company, invoice);
  return invoice;
}

export const invoiceHandlers: Record<string, Handler> = {
  Order_post: (ctx) => value(createOrder(ctx, companyOf(ctx), (ctx.body ?? {}) as Json)),

  Order_get: (ctx) => {
    const order = companyOf(ctx).orders.get(ctx.path.id as number);
    if (!order) throw SandboxError.notFound();
    return value(order);
  },

  /** An order not invoiced yet can be deleted; an invoiced one cannot (its invoice holds it). */
  Order_delete: (ctx) => {
    const company = companyOf(ctx);
    const order = company.orders.get(ctx.path.id as number);
    if (!order) throw SandboxError.notFound();
    if (order.isClosed === true)
      throw SandboxError.validation([
        { field: null, message: `Ordre ${String(order.number)} er fakturert og kan ikke slettes.` },
      ]);
    company.orders.delete(order.id);
    return empty();
  },

  /** A line added to an order not invoiced yet, priced like the order's others. */
  OrderOrderline_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    const order = ref(company.orders, body.order);
    if (!order)
      throw SandboxError.validation([
        {
          field: 'order.id',
          message: body.order === undefined ? Texts.notNull : 'Ordren finnes ikke.',
        },
      ]);
    if (order.isClosed === true)
      throw SandboxError.validation([
        { field: 'order', message: `Ordre ${String(order.number)} er allerede fakturert.` },
      ]);
    const problems: Problem[] = [];
    const { order: _order, ...fields } = body;
    const line = orderLineAmounts(
      ctx.state,
      company,
      fields,
      order.isPrioritizeAmountsIncludingVat === true,
      problems,
    );
    if (problems.length) throw SandboxError.validation(problems);
    const lineId = ctx.state.id();
    const created: Entity = {
      ...line,
      id: lineId,
      version: 1,
      url: ctx.state.url('order/orderline', lineId),
      order: { id: order.id },
    };
    company.orders.set(order.id, {
      ...order,
      version: order.version + 1,
      orderLines: [...((order.orderLines as Json[] | undefined) ?? []), created],
    });
    return value(created);
  },

  Order_search: (ctx) => {
    const q = ctx.query;
    const customers = idList(q.customerId);
    const ids = idList(q.id);
    const values = [...companyOf(ctx).orders.values()].filter(
      (o) =>
        (o.orderDate as string) >= (q.orderDateFrom as string) &&
        (o.orderDate as string) < (q.orderDateTo as string) &&
        (!ids || ids.includes(o.id)) &&
        (!customers || customers.includes((o.customer as Entity).id)) &&
        (q.isClosed === undefined || o.isClosed === q.isClosed),
    );
    return list(sortBy(values, q.sorting));
  },

  Invoice_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    requireBankAccount(company);
    const problems: Problem[] = [];
    if (typeof body.invoiceDate !== 'string')
      problems.push({ field: 'invoiceDate', message: Texts.notNull });
    if (typeof body.invoiceDueDate !== 'string')
      problems.push({ field: 'invoiceDueDate', message: Texts.notNull });
    const orders = (body.orders as Json[] | undefined) ?? [];
    if (orders.length === 0) problems.push({ field: 'orders', message: Texts.emptyList });
    if (orders.length > 1)
      problems.push({
        field: 'orders',
        message: 'Only one order per invoice is supported at the moment.',
      });
    if (problems.length) throw SandboxError.validation(problems);
    const given = orders[0];
    const order =
      given.id !== undefined ? ref(company.orders, given) : createOrder(ctx, company, given);
    if (!order)
      throw SandboxError.validation([{ field: 'orders.id', message: 'Ordren finnes ikke.' }]);
    return value(
      invoiceOrders(ctx, company, [order], {
        invoiceDate: body.invoiceDate as string,
        invoiceDueDate: body.invoiceDueDate as string,
        comment: body.comment,
        sendToCustomer: (ctx.query.sendToCustomer as boolean | undefined) ?? true,
      }),
    );
  },

  OrderInvoice_invoice: (ctx) => {
    const company = companyOf(ctx);
    const order = company.orders.get(ctx.path.id as number);
    if (!order) throw SandboxError.notFound();
    return value(
      invoiceOrders(ctx, company, [order], {
        invoiceDate: ctx.query.invoiceDate as string,
        sendToCustomer: (ctx.query.sendToCustomer as boolean | undefined) ?? true,
        sendType: ctx.query.sendType as string | undefined,
      }),
    );
  },

  OrderInvoiceMultipleOrders_invoiceMultipleOrders: (ctx) => {
    const company = companyOf(ctx);
    const ids = idList(ctx.query.id) ?? [];
    const orders = ids.map((id) => company.orders.get(id));
    if (orders.some((o) => !o))
      throw SandboxError.validation([
        { field: 'id', message: 'En eller flere ordre finnes ikke.' },
      ]);
    const found = orders as Entity[];
    const same = (f: (o: Entity) => unknown) => new Set(found.map(f)).size <= 1;
    const problems: Problem[] = [];
    if (!same((o) => (o.customer as Entity).id))
      problems.push({ field: 'id', message: 'Ordrene må ha samme kunde.' });
    if (!same((o) => (o.currency as Entity | undefined)?.id ?? 'NOK'))
      problems.push({ field: 'id', message: 'Ordrene må ha samme valuta.' });
    if (!same((o) => `${String(o.invoicesDueIn)}${String(o.invoicesDueInType)}`)) {
      problems.push({ field: 'id', message: 'Ordrene må ha samme forfallsdato.' });
    }
    if (!same((o) => o.receiverEmail ?? null))
      problems.push({ field: 'id', message: 'Ordrene må ha samme mottaker.' });
    if (problems.length) throw SandboxError.validation(problems);
    return value(
      invoiceOrders(ctx, company, found, {
        invoiceDate: ctx.query.invoiceDate as string,
        sendToCustomer: (ctx.query.sendToCustomer as boolean | undefined) ?? true,
      }),
    );
  },

  Invoice_get: (ctx) => {
    const invoice = companyOf(ctx).invoices.get(ctx.path.id as number);
    if (!invoice) throw SandboxError.notFound();
    return value(invoice);
  },

  Invoice_search: (ctx) => {
    const q = ctx.query;
    const ids = idList(q.id);
    const customers = idList(q.customerId);
    const values = [...companyOf(ctx).invoices.values()].filter(
      (i) =>
        (i.invoiceDate as string) >= (q.invoiceDateFrom as string) &&
        (i.invoiceDate as string) < (q.invoiceDateTo as string) &&
        (!ids || ids.includes(i.id)) &&
        (!customers || customers.includes((i.customer as Entity).id)) &&
        (q.invoiceNumber === undefined || String(i.invoiceNumber) === q.invoiceNumber) &&
        (q.kid === undefined || i.kid === q.kid),
    );
    return list(sortBy(values, q.sorting));
  },

  InvoiceCreateCreditNote_createCreditNote: (ctx) => {
    const company = companyOf(ctx);
    const original = company.invoices.get(ctx.path.id as number);
    if (!original) throw SandboxError.notFound();
    if (original.isCreditNote === true || original.isCredited === true) {
      throw SandboxError.validation([{ field: null, message: Texts.overCredited }]);
    }
    const id = ctx.state.id();
    const invoiceNumber = company.counters.invoiceNumber + 1;
    // The credit note books the invoice's own postings back on its date (a closed period refuses).
    const booked = company.vouchers.get((original.voucher as Entity | undefined)?.id ?? -1);
    const type = [...company.voucherTypes.values()].find((t) => t.name === 'Utgående faktura');
    const voucher = booked
      ? createVoucher(
          ctx,
          company,
          {
            date: ctx.query.date,
            description: `Kreditnota ${invoiceNumber}`,
            ...(type ? { voucherType: { id: type.id } } : {}),
            postings: (booked.postings as Json[])
              .filter((p) => p.systemGenerated !== true)
              .map((p) => ({
                row: p.row,
                account: { id: (p.account as Entity).id },
                ...(p.vatType ? { vatType: { id: (p.vatType as Entity).id } } : {}),
                ...(p.customer ? { customer: { id: (p.customer as Entity).id } } : {}),
                ...(p.department ? { department: { id: (p.department as Entity).id } } : {}),
                amountGross: -(p.amountGross as number),
                amountGrossCurrency: -(p.amountGross as number),
                description: `Kreditnota ${invoiceNumber}`,
              })),
          },
          true,
        )
      : undefined;
    company.counters.invoiceNumber = invoiceNumber;
    const negate = (n: unknown) => -(n as number);
    const credit: Entity = {
      ...original,
      voucher: voucher ? { id: voucher.id, url: voucher.url } : undefined,
      id,
      version: 1,
      url: ctx.state.url('invoice', id),
      invoiceNumber,
      kid: kidOf(invoiceNumber),
      invoiceDate: ctx.query.date,
      invoiceDueDate: ctx.query.date,
      comment: ctx.query.comment ?? `Kreditnota for faktura ${String(original.invoiceNumber)}`,
      creditedInvoice: original.id,
      isCreditNote: true,
      isCredited: false,
      amount: negate(original.amount),
      amountCurrency: negate(original.amountCurrency),
      amountExcludingVat: negate(original.amountExcludingVat),
      amountExcludingVatCurrency: negate(original.amountExcludingVatCurrency),
      amountOutstanding: 0,
      amountCurrencyOutstanding: 0,
    };
    // Delivery (FACTS 28): sendType decides; an e-mail credit note is only sent to the address
    // given in creditNoteEmail ("will not be sent if the customer send type is email and this
    // field is empty"). The deprecated sendToCustomer=false sends nothing.
    const sendType = ctx.query.sendType as string | undefined;
    const email = ctx.query.creditNoteEmail as string | undefined;
    if (sendType !== undefined) credit.sendType = sendType;
    if (sendType === 'EMAIL' && email) credit.emailSentTo = email;
    credit.ehfSendStatus =
      sendType === 'EHF'
        ? 'SENT'
        : sendType === undefined && ctx.query.sendToCustomer !== false
          ? 'SENT'
          : 'DO_NOT_SEND';
    company.invoices.set(id, credit);
    company.invoices.set(original.id, {
      ...original,
      isCredited: true,
      amountOutstanding: 0,
      amountCurrencyOutstanding: 0,
      version: original.version + 1,
    });
    return value(credit);
  },
};
