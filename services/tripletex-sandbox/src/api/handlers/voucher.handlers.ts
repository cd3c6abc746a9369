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

/** Output VAT account per rate, where Tripletex books the VAT it derives from gross amounts. */
const OUTPUT_VAT_ACCOUNT: Record<number, number> = { 25: 2700, 15: 2701, 12: 2702 };

type Problem = { field: string | null; message: string };

function accountByNumber(company: CompanyState, number: number): Entity | undefined {
  return [...company.accounts.values()].find((a) => a.number === number);
}

/**
 * Checks postings the way Tripletex does (rows from 1, accounts, VAT locks and codes, sub-ledger
 * parties, gross = gross currency, two decimals, balance per date) and returns them completed
 * with the net amounts and the system-generated VAT postings on row 0.
 */
export function bookPostings(
  state: SandboxState,
  company: CompanyState,
  voucherDate: string,
  raw: Json[],
  voucherId: number,
): Json[] {
  const problems: Problem[] = [];
  if (raw.length === 0) problems.push({ field: 'postings', message: Texts.noPostings });
  const balance = new Map<string, number>();
  const booked: Json[] = [];
  for (const p of raw) {
    const row = p.row as number | undefined;
    if (row === undefined || row === 0)
      problems.push({ field: 'postings.row', message: Texts.rowZero });
    const account = ref(company.accounts, p.account);
    if (!account) {
      problems.push({
        field: 'postings.account.id',
        message: p.account === undefined ? Texts.notNull : 'Kontoen finnes ikke.',
      });
      continue;
    }
    const gross = toOre(p.amountGross);
    if (p.amountGross === undefined)
      problems.push({ field: 'postings.amountGross', message: Texts.notNull });
    else if (gross === undefined)
      problems.push({
        field: 'postings.amountGross',
        message: 'Beløpet kan ikke ha mer enn to desimaler.',
      });
    if (p.amountGrossCurrency !== undefined && p.amountGrossCurrency !== p.amountGross) {
      problems.push({ field: 'postings.amountGrossCurrency', message: Texts.grossCurrency });
    }
    let vat: Entity | undefined;
    if (p.vatType !== undefined) {
      vat = ref(company.vatTypes, p.vatType);
      if (!vat) problems.push({ field: 'postings.vatType.id', message: Texts.invalidVat });
    }
    const locked = account.vatLocked === true ? (account.vatType as Entity | undefined) : undefined;
    if (locked && vat?.id !== locked.id) {
      problems.push({
        field: 'postings.vatType.id',
        message: `Kontoen ${String(account.number)} ${String(account.name)} er låst til mva-kode ${String(locked.number)}: ${String(locked.name)}.`,
      });
    }
    const label = `${String(account.number)} ${String(account.name)}`;
    const legal = (account.legalVatTypes as Entity[] | undefined) ?? [];
    if (vat && legal.length > 0 && !legal.some((v) => v.id === vat?.id)) {
      problems.push({
        field: 'postings.vatType.id',
        message: Texts.vatNotLegal(label, String(vat.number)),
      });
    }
    if (p.department !== undefined && !ref(company.departments, p.department)) {
      problems.push({ field: 'postings.department.id', message: 'Avdelingen finnes ikke.' });
    } else if (account.requiresDepartment === true && p.department === undefined) {
      problems.push({ field: 'postings.department.id', message: Texts.departmentMissing(label) });
    }
    if (account.requiresProject === true && p.project === undefined) {
      problems.push({ field: 'postings.project.id', message: Texts.projectMissing(label) });
    }
    if (account.ledgerType === 'CUSTOMER' && !ref(company.customers, p.customer)) {
      problems.push({ field: 'postings.customer.id', message: Texts.customerMissing });
    }
    if (account.ledgerType === 'VENDOR' && p.supplier === undefined) {
      problems.push({ field: 'postings.supplier.id', message: Texts.supplierMissing });
    }
    if (gross === undefined) continue;
    const date = (p.date as string | undefined) ?? voucherDate;
    if (state.periodOf(company, date)?.isClosed === true)
      problems.push({ field: 'postings.date', message: Texts.periodClosed(date) });
    balance.set(date, (balance.get(date) ?? 0) + gross);
    const percentage = (vat?.percentage as number | undefined) ?? 0;
    const net = percentage > 0 && percentage < 100 ? netOfGross(gross, percentage) : gross;
    booked.push({
      ...p,
      id: state.id(),
      version: 1,
      url: '',
      date,
      account,
      vatType: vat,
      customer: ref(company.customers, p.customer),
      department: ref(company.departments, p.department),
      amount: fromOre(net),
      amountCurrency: fromOre(net),
      amountGross: fromOre(gross),
      amountGrossCurrency: fromOre(gross),
      voucher: { id: voucherId },
      systemGenerated: false,
    });
    if (net !== gross) {
      const vatAccount = accountByNumber(company, OUTPUT_VAT_ACCOUNT[percentage] ?? 2700);
      booked.push({
        id: state.id(),
        version: 1,
        url: '',
        row: 0,
        date,
        description: `Mva ${String(vat?.number)}`,
        account: vatAccount,
        vatType: vat,
        amount: fromOre(gross - net),
        amountCurrency: fromOre(gross - net),
        amountGross: fromOre(gross - net),
        amountGrossCurrency: fromOre(gross - net),
        voucher: { id: voucherId },
        systemGenerated: true,
      });
    }
  }
  for (const [date, sum] of balance) {
    if (sum !== 0) problems.push({ field: null, message: Texts.unbalanced(date) });
  }
  if (problems.length) throw SandboxError.validation(problems);
  for (const p of booked) p.url = state.url('ledger/posting', p.id as number);
  return booked;
}

/** Creates a voucher (also used for invoices' and reversals' own vouchers). */
export function createVoucher(
  ctx: Pick<HandlerContext, 'state'>,
  company: CompanyState,
  body: Json,
  sendToLedger: boolean,
): Entity {
  const problems: Problem[] = [];
  if (body.id !== undefined)
    problems.push({ field: 'id', message: 'An ID cannot be set when creating a new object.' });
  if (typeof body.date !== 'string') problems.push({ field: 'date', message: Texts.notNull });
  if (typeof body.externalVoucherNumber === 'string' && body.externalVoucherNumber.length > 70) {
    problems.push({
      field: 'externalVoucherNumber',
      message: 'Verdien er for lang. Maks 70 tegn.',
    });
  }
  if (typeof body.date === 'string' && ctx.state.periodOf(company, body.date)?.isClosed === true) {
    problems.push({ field: 'date', message: Texts.periodClosed(body.date) });
  }
  if (body.voucherType !== undefined && !ref(company.voucherTypes, body.voucherType)) {
    problems.push({ field: 'voucherType.id', message: 'Bilagstypen finnes ikke.' });
  }
  if (problems.length) throw SandboxError.validation(problems);
  const id = ctx.state.id();
  const postings = bookPostings(
    ctx.state,
    company,
    body.date as string,
    (body.postings as Json[] | undefined) ?? [],
    id,
  );
  const year = Number((body.date as string).slice(0, 4));
  const number = sendToLedger ? ++company.counters.voucherNumber : 0;
  const voucher: Entity = {
    ...body,
    id,
    version: 1,
    url: ctx.state.url('ledger/voucher', id),
    date: body.date,
    number,
    tempNumber: sendToLedger ? 0 : id % 100000,
    year,
    voucherType: ref(company.voucherTypes, body.voucherType),
    postings,
    displayName: `${number}-${year}`,
    numberAsString: `${number}-${year}`,
  };
  company.vouchers.set(id, voucher);
  ctx.state.touch(company, voucher);
  return voucher;
}

function inRange(date: unknown, from: string, to: string): boolean {
  return typeof date === 'string' && date >= from && date < to;
}

/**
 * In the ledger: created with sendToLedger=true (it got a number). A voucher waiting for approval
 * is found only by `>nonPosted`; `GET /ledger/voucher` and `>externalVoucherNumber` list posted
 * vouchers only (the strict reading of the spec: an assumption, see the README).
 */
const isPosted = (voucher: Entity) => (voucher.number as number) > 0;

function checkRange(from: string, to: string): void {
  if (from >= to) {
    throw SandboxError.validation([
      {
        field: 'dateFrom',
        message: `'From and including' value ${from} is greater than or equal 'To and excluding' value ${to}.`,
      },
    ]);
  }
}

export const voucherHandlers: Record<string, Handler> = {
  LedgerVoucher_post: (ctx) =>
    value(
      createVoucher(
        ctx,
        companyOf(ctx),
        (ctx.body ?? {}) as Json,
        (ctx.query.sendToLedger as boolean | undefined) ?? true,
      ),
    ),

  LedgerVoucher_get: (ctx) => {
    const voucher = companyOf(ctx).vouchers.get(ctx.path.id as number);
    if (!voucher) throw SandboxError.notFound();
    return value(voucher);
  },

  LedgerVoucher_search: (ctx) => {
    const q = ctx.query;
    const from = q.dateFrom as string;
    const to = q.dateTo as string;
    checkRange(from, to);
    const ids = idList(q.id);
    const typeIds = idList(q.typeId);
    const values = [...companyOf(ctx).vouchers.values()].filter(
      (v) =>
        isPosted(v) &&
        inRange(v.date, from, to) &&
        (!ids || ids.includes(v.id)) &&
        (!typeIds || typeIds.includes((v.voucherType as Entity | undefined)?.id ?? -1)) &&
        (q.number === undefined || String(v.number) === q.number),
    );
    return list(sortBy(values, q.sorting));
  },

  LedgerVoucherExternalVoucherNumber_externalVoucherNumber: (ctx) => {
    const wanted = ctx.query.externalVoucherNumber as string | undefined;
    const values = [...companyOf(ctx).vouchers.values()].filter(
      (v) => isPosted(v) && wanted !== undefined && v.externalVoucherNumber === wanted,
    );
    return list(sortBy(values, ctx.query.sorting));
  },

  LedgerVoucherNonPosted_nonPosted: (ctx) => {
    const q = ctx.query;
    if (q.includeNonApproved === undefined)
      throw SandboxError.validation([{ field: 'includeNonApproved', message: Texts.notNull }]);
    const from = q.dateFrom as string | undefined;
    const to = q.dateTo as string | undefined;
    if (from !== undefined && to !== undefined) checkRange(from, to);
    // Every voucher created for approval is non-approved until a bookkeeper approves it, so
    // without includeNonApproved there is none to list.
    const values = [...companyOf(ctx).vouchers.values()].filter(
      (v) =>
        !isPosted(v) &&
        q.includeNonApproved === true &&
        (from === undefined || (v.date as string) >= from) &&
        (to === undefined || (v.date as string) < to),
    );
    return list(sortBy(values, q.sorting));
  },

  LedgerVoucherReverse_reverse: (ctx) => {
    const company = companyOf(ctx);
    const original = company.vouchers.get(ctx.path.id as number);
    if (!original) throw SandboxError.notFound();
    if (original.reverseVoucher) {
      throw SandboxError.validation([{ field: null, message: 'Bilaget er allerede reversert.' }]);
    }
    if (!isPosted(original))
      throw SandboxError.validation([{ field: null, message: Texts.reverseNonPosted }]);
    const postings = (original.postings as Json[])
      .filter((p) => p.systemGenerated !== true)
      .map((p) => ({
        row: p.row,
        date: ctx.query.date,
        description: p.description,
        account: { id: (p.account as Entity).id },
        vatType: p.vatType ? { id: (p.vatType as Entity).id } : undefined,
        customer: p.customer ? { id: (p.customer as Entity).id } : undefined,
        amountGross: -(p.amountGross as number),
        amountGrossCurrency: -(p.amountGross as number),
      }));
    const reversal = createVoucher(
      ctx,
      company,
      {
        date: ctx.query.date,
        description: `Reversering av bilag ${String(original.number)}-${String(original.year)}`,
        voucherType: original.voucherType ? { id: (original.voucherType as Entity).id } : undefined,
        postings,
      },
      true,
    );
    reversal.reverseVoucher = original;
    company.vouchers.set(original.id, {
      ...original,
      reverseVoucher: reversal,
      version: original.version + 1,
    });
    return value(reversal);
  },

  LedgerVoucher_delete: (ctx) => {
    const company = companyOf(ctx);
    const voucher = company.vouchers.get(ctx.path.id as number);
    if (!voucher) throw SandboxError.notFound();
    // Never more lenient than Tripletex: a posted voucher is reversed, not deleted, and nothing in
    // a closed period changes.
    if (isPosted(voucher))
      throw SandboxError.validation([{ field: null, message: Texts.deletePosted }]);
    if (ctx.state.periodOf(company, voucher.date as string)?.isClosed === true)
      throw SandboxError.validation([
        { field: 'date', message: Texts.periodClosed(voucher.date as string) },
      ]);
    company.vouchers.delete(voucher.id);
    return empty();
  },
};
