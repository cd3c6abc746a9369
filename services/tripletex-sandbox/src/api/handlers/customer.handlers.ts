import { SandboxError, Texts } from '../sandbox-error';
import type { SandboxEvents } from '../../state/sandbox-events';
import type { CompanyState, Entity, Json, SandboxState } from '../../state/sandbox-state';
import { companyOf, empty, Handler, idList, list, sortBy, value } from './handler';

const CUSTOMER_DEFAULTS: Json = {
  isCustomer: true,
  isSupplier: false,
  isInactive: false,
  isPrivateIndividual: false,
  invoiceSendMethod: 'EMAIL',
  emailAttachmentType: 'ATTACHMENT',
  language: 'NO',
  invoicesDueIn: 14,
  invoicesDueInType: 'DAYS',
};

/** Fields a client may not set; Tripletex ignores read-only ones and refuses id/version on create. */
const READ_ONLY = ['url', 'changes', 'isCustomer', 'displayName'];

function withoutReadOnly(body: Json): Json {
  const out = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  for (const key of READ_ONLY) delete out[key];
  return out;
}

type Deps = { state: SandboxState; events: SandboxEvents };

/** Creates a customer the way POST /customer does (also used for the operator's "UI" edits). */
export function createCustomer({ state, events }: Deps, company: CompanyState, body: Json): Entity {
  const problems: { field: string; message: string }[] = [];
  if (body.id !== undefined || body.version !== undefined) {
    problems.push({ field: 'id', message: 'An ID cannot be set when creating a new object.' });
  }
  if (typeof body.name !== 'string' || body.name.trim() === '')
    problems.push({ field: 'name', message: Texts.notNull });
  const number = body.customerNumber as number | undefined;
  if (
    number !== undefined &&
    [...company.customers.values()].some((c) => c.customerNumber === number)
  ) {
    problems.push({ field: 'customerNumber', message: `Kundenummeret ${number} er i bruk.` });
  }
  if (problems.length) throw SandboxError.validation(problems);
  const id = state.id();
  const customerNumber = number ?? ++company.counters.customerNumber;
  const customer: Entity = {
    ...CUSTOMER_DEFAULTS,
    ...withoutReadOnly(body),
    id,
    version: 1,
    url: state.url('customer', id),
    customerNumber,
    isCustomer: true,
    displayName: `${String(body.name)} (${customerNumber})`,
  };
  company.customers.set(id, customer);
  state.touch(company, customer);
  events.emit(company, 'customer.create', customer);
  return customer;
}

/** A partial update, as PUT /customer/{id} (a stale `version` is a 409). */
export function updateCustomer(
  { state, events }: Deps,
  company: CompanyState,
  id: number,
  body: Json,
): Entity {
  const current = company.customers.get(id);
  if (!current) throw SandboxError.notFound();
  if (body.version !== undefined && body.version !== current.version) {
    throw new SandboxError(
      409,
      8000,
      'Objektet er endret av en annen bruker. Last inn på nytt og prøv igjen.',
    );
  }
  const updated: Entity = {
    ...current,
    ...withoutReadOnly(body),
    id: current.id,
    url: current.url,
    version: current.version + 1,
  };
  company.customers.set(updated.id, updated);
  state.touch(company, updated);
  events.emit(company, 'customer.update', updated);
  return updated;
}

/** DELETE /customer/{id}: refused while orders or invoices refer to the customer. */
export function deleteCustomer({ events }: Deps, company: CompanyState, id: number): void {
  const current = company.customers.get(id);
  if (!current) throw SandboxError.notFound();
  const used =
    [...company.orders.values()].some(
      (o) => (o.customer as Entity | undefined)?.id === current.id,
    ) ||
    [...company.invoices.values()].some(
      (i) => (i.customer as Entity | undefined)?.id === current.id,
    );
  if (used) {
    throw SandboxError.validation([
      {
        field: null,
        message: 'Kunden kan ikke slettes fordi den har ordre, fakturaer eller posteringer.',
      },
    ]);
  }
  company.customers.delete(current.id);
  events.emit(company, 'customer.delete', current);
}

export const customerHandlers: Record<string, Handler> = {
  Customer_search: (ctx) => {
    const company = companyOf(ctx);
    const q = ctx.query;
    const ids = idList(q.id);
    const numbers = idList(q.customerAccountNumber);
    const inactive = (q.isInactive as boolean | undefined) ?? false; // Tripletex hides inactive unless asked
    const changedSince =
      typeof q.changedSince === 'string' ? Date.parse(q.changedSince) : undefined;
    if (changedSince !== undefined && Number.isNaN(changedSince)) {
      throw SandboxError.validation([{ field: 'changedSince', message: Texts.wrongType }], 21000);
    }
    const name = typeof q.customerName === 'string' ? q.customerName.toLowerCase() : undefined;
    const values = [...company.customers.values()].filter(
      (c) =>
        (!ids || ids.includes(c.id)) &&
        (!numbers || numbers.includes(c.customerNumber as number)) &&
        (q.organizationNumber === undefined || c.organizationNumber === q.organizationNumber) &&
        (q.email === undefined || c.email === q.email) &&
        (q.invoiceEmail === undefined || c.invoiceEmail === q.invoiceEmail) &&
        (q.phoneNumberMobile === undefined || c.phoneNumberMobile === q.phoneNumberMobile) &&
        (!name || (typeof c.name === 'string' ? c.name : '').toLowerCase().includes(name)) &&
        c.isInactive === inactive &&
        (changedSince === undefined || (company.changedAt.get(c.id) ?? 0) >= changedSince),
    );
    return list(sortBy(values, q.sorting));
  },

  Customer_get: (ctx) => {
    const customer = companyOf(ctx).customers.get(ctx.path.id as number);
    if (!customer) throw SandboxError.notFound();
    return value(customer);
  },

  Customer_post: (ctx) => value(createCustomer(ctx, companyOf(ctx), (ctx.body ?? {}) as Json)),

  Customer_put: (ctx) =>
    value(updateCustomer(ctx, companyOf(ctx), ctx.path.id as number, (ctx.body ?? {}) as Json)),

  Customer_delete: (ctx) => {
    deleteCustomer(ctx, companyOf(ctx), ctx.path.id as number);
    return empty();
  },
};
