import { SandboxError, Texts } from '../sandbox-error';
import type { Entity, Json } from '../../state/sandbox-state';
import { companyOf, Handler, idList, list, ref, sortBy, value } from './handler';

export const ledgerHandlers: Record<string, Handler> = {
  LedgerAccount_search: (ctx) => {
    const company = companyOf(ctx);
    const q = ctx.query;
    const ids = idList(q.id);
    const numbers = idList(q.number);
    const values = [...company.accounts.values()].filter(
      (a) =>
        (!ids || ids.includes(a.id)) &&
        (!numbers || numbers.includes(a.number as number)) &&
        (q.isBankAccount === undefined || a.isBankAccount === q.isBankAccount) &&
        (q.isInactive === undefined || a.isInactive === q.isInactive) &&
        (q.ledgerType === undefined || a.ledgerType === q.ledgerType),
    );
    return list(sortBy(values, q.sorting ?? 'number'));
  },

  LedgerAccount_get: (ctx) => {
    const account = companyOf(ctx).accounts.get(ctx.path.id as number);
    if (!account) throw SandboxError.notFound();
    return value(account);
  },

  LedgerAccount_post: (ctx) => {
    const company = companyOf(ctx);
    const body = (ctx.body ?? {}) as Json;
    if (typeof body.number !== 'number')
      throw SandboxError.validation([{ field: 'number', message: Texts.notNull }]);
    if (typeof body.name !== 'string')
      throw SandboxError.validation([{ field: 'name', message: Texts.notNull }]);
    if ([...company.accounts.values()].some((a) => a.number === body.number)) {
      throw SandboxError.validation([{ field: 'number', message: 'Nummeret er i bruk.' }]);
    }
    const id = ctx.state.id();
    const account: Entity = {
      ledgerType: 'GENERAL',
      isBankAccount: false,
      isInactive: false,
      vatLocked: false,
      ...body,
      id,
      version: 1,
      url: ctx.state.url('ledger/account', id),
      numberPretty: String(body.number),
      displayName: `${String(body.number)} ${body.name}`,
    };
    if (body.vatType !== undefined) {
      const vat = ref(company.vatTypes, body.vatType);
      if (!vat) throw SandboxError.validation([{ field: 'vatType.id', message: Texts.invalidVat }]);
      account.vatType = vat;
    }
    company.accounts.set(id, account);
    return value(account);
  },

  LedgerAccount_put: (ctx) => {
    const company = companyOf(ctx);
    const current = company.accounts.get(ctx.path.id as number);
    if (!current) throw SandboxError.notFound();
    const body = (ctx.body ?? {}) as Json;
    if (body.version !== undefined && body.version !== current.version) {
      throw new SandboxError(
        409,
        8000,
        'Objektet er endret av en annen bruker. Last inn på nytt og prøv igjen.',
      );
    }
    if (
      typeof body.bankAccountNumber === 'string' &&
      body.bankAccountNumber !== '' &&
      !/^\d{11}$/.test(body.bankAccountNumber)
    ) {
      throw SandboxError.validation([
        { field: 'bankAccountNumber', message: 'Ugyldig kontonummer.' },
      ]);
    }
    const updated: Entity = {
      ...current,
      ...body,
      id: current.id,
      url: current.url,
      version: current.version + 1,
    };
    company.accounts.set(updated.id, updated);
    return value(updated);
  },

  LedgerVatType_search: (ctx) => {
    const company = companyOf(ctx);
    const q = ctx.query;
    const ids = idList(q.id);
    const numbers =
      typeof q.number === 'string' ? q.number.split(',').map((s) => s.trim()) : undefined;
    const values = [...company.vatTypes.values()].filter(
      (v) =>
        (!ids || ids.includes(v.id)) &&
        (!numbers || numbers.includes(v.number as string)) &&
        (q.typeOfVat === undefined ||
          (q.typeOfVat === 'OUTGOING' ? ctx.state.isOutgoingVat(v) : !ctx.state.isOutgoingVat(v))),
    );
    return list(sortBy(values, q.sorting));
  },

  LedgerVatType_get: (ctx) => {
    const vat = companyOf(ctx).vatTypes.get(ctx.path.id as number);
    if (!vat) throw SandboxError.notFound();
    return value(vat);
  },

  LedgerVoucherType_search: (ctx) => {
    const name = typeof ctx.query.name === 'string' ? ctx.query.name.toLowerCase() : undefined;
    const values = [...companyOf(ctx).voucherTypes.values()].filter(
      (t) => !name || String(t.name).toLowerCase().includes(name),
    );
    return list(sortBy(values, ctx.query.sorting));
  },

  LedgerVoucherType_get: (ctx) => {
    const type = companyOf(ctx).voucherTypes.get(ctx.path.id as number);
    if (!type) throw SandboxError.notFound();
    return value(type);
  },

  InvoicePaymentType_search: (ctx) =>
    list(sortBy([...companyOf(ctx).paymentTypes.values()], ctx.query.sorting)),

  InvoicePaymentType_get: (ctx) => {
    const type = companyOf(ctx).paymentTypes.get(ctx.path.id as number);
    if (!type) throw SandboxError.notFound();
    return value(type);
  },

  LedgerAccountingPeriod_search: (ctx) => {
    const q = ctx.query;
    const ids = idList(q.id);
    const at = (period: Entity, field: 'start' | 'end') => period[field] as string;
    const values = [...companyOf(ctx).periods.values()].filter(
      (p) =>
        (!ids || ids.includes(p.id)) &&
        (q.startFrom === undefined || at(p, 'start') >= (q.startFrom as string)) &&
        (q.startTo === undefined || at(p, 'start') < (q.startTo as string)) &&
        (q.endFrom === undefined || at(p, 'end') >= (q.endFrom as string)) &&
        (q.endTo === undefined || at(p, 'end') < (q.endTo as string)) &&
        (q.numberFrom === undefined || (p.number as number) >= Number(q.numberFrom)) &&
        (q.numberTo === undefined || (p.number as number) < Number(q.numberTo)),
    );
    return list(sortBy(values, q.sorting ?? 'start'));
  },

  LedgerAccountingPeriod_get: (ctx) => {
    const period = companyOf(ctx).periods.get(ctx.path.id as number);
    if (!period) throw SandboxError.notFound();
    return value(period);
  },
};
