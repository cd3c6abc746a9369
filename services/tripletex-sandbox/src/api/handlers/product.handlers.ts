import { SandboxError, Texts } from '../sandbox-error';
import type { CompanyState, Entity, Json } from '../../state/sandbox-state';
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

type Problem = { field: string | null; message: string };

/**
 * A product's VAT code and income account as Tripletex checks them: an outgoing VAT code the
 * company has, an account that exists and, if it is VAT-locked, is locked to that code.
 */
function checkProduct(
  ctx: Pick<HandlerContext, 'state'>,
  company: CompanyState,
  body: Json,
  problems: Problem[],
): { vat?: Entity; account?: Entity } {
  const vat = body.vatType === undefined ? undefined : ref(company.vatTypes, body.vatType);
  if (body.vatType !== undefined && (!vat || !ctx.state.isOutgoingVat(vat)))
    problems.push({ field: 'vatType.id', message: Texts.invalidVat });
  const account = body.account === undefined ? undefined : ref(company.accounts, body.account);
  if (body.account !== undefined && !account)
    problems.push({ field: 'account.id', message: 'Kontoen finnes ikke.' });
  const locked = account?.vatLocked === true ? (account.vatType as Entity | undefined) : undefined;
  if (locked && vat && locked.id !== vat.id)
    problems.push({
      field: 'account.id',
      message: Texts.productVatLocked(
        `${String(account?.number)} ${String(account?.name)}`,
        String(locked.number),
      ),
    });
  return { vat, account };
}

/** Products (FACTS 27: an invoice line's revenue account is its product's, if the VAT matches). */
export const productHandlers: Record<string, Handler> = {
  Product_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    const problems: Problem[] = [];
    if (body.id !== undefined)
      problems.push({ field: 'id', message: 'An ID cannot be set when creating a new object.' });
    if (typeof body.name !== 'string' || body.name.trim() === '')
      problems.push({ field: 'name', message: Texts.notNull });
    const number = typeof body.number === 'string' ? body.number : undefined;
    if (number && [...company.products.values()].some((p) => p.number === number))
      problems.push({ field: 'number', message: Texts.productNumberTaken(number) });
    const { vat, account } = checkProduct(ctx, company, body, problems);
    if (problems.length) throw SandboxError.validation(problems);
    const id = ctx.state.id();
    const product: Entity = {
      isInactive: false,
      ...body,
      id,
      version: 1,
      url: ctx.state.url('product', id),
      number: number ?? String(id),
      vatType: vat ?? [...company.vatTypes.values()].find((v) => v.number === '3'),
      account,
    };
    company.products.set(id, product);
    ctx.state.touch(company, product);
    return value(product);
  },

  Product_get: (ctx) => {
    const product = companyOf(ctx).products.get(ctx.path.id as number);
    if (!product) throw SandboxError.notFound();
    return value(product);
  },

  Product_search: (ctx) => {
    const q = ctx.query;
    const ids = idList(q.ids);
    const numbers = (q.productNumber as string[] | string | undefined) ?? undefined;
    const wanted = numbers === undefined ? undefined : ([] as string[]).concat(numbers);
    const values = [...companyOf(ctx).products.values()].filter(
      (p) =>
        (!ids || ids.includes(p.id)) &&
        (!wanted || wanted.includes(p.number as string)) &&
        (q.number === undefined || p.number === q.number) &&
        (q.isInactive === undefined || p.isInactive === q.isInactive),
    );
    return list(sortBy(values, q.sorting));
  },

  /** A partial update; a stale `version` is refused like Tripletex's optimistic locking. */
  Product_put: (ctx) => {
    const company = companyOf(ctx);
    const product = company.products.get(ctx.path.id as number);
    if (!product) throw SandboxError.notFound();
    const body = (ctx.body ?? {}) as Json;
    if (body.version !== undefined && body.version !== product.version)
      throw new SandboxError(409, 8000, 'Objektet har blitt endret av en annen bruker.');
    const problems: Problem[] = [];
    const { vat, account } = checkProduct(
      ctx,
      company,
      { vatType: product.vatType, account: product.account, ...body },
      problems,
    );
    if (problems.length) throw SandboxError.validation(problems);
    const updated: Entity = {
      ...product,
      ...body,
      id: product.id,
      version: product.version + 1,
      vatType: vat,
      account,
    };
    company.products.set(product.id, updated);
    ctx.state.touch(company, updated);
    return value(updated);
  },

  Product_delete: (ctx) => {
    const company = companyOf(ctx);
    const product = company.products.get(ctx.path.id as number);
    if (!product) throw SandboxError.notFound();
    const used = [...company.orders.values()].some((o) =>
      ((o.orderLines as Json[] | undefined) ?? []).some(
        (l) => (l.product as Entity | undefined)?.id === product.id,
      ),
    );
    if (used)
      throw SandboxError.validation([
        { field: null, message: 'Produktet er i bruk og kan ikke slettes.' },
      ]);
    company.products.delete(product.id);
    return empty();
  },
};
