import type { AccountMappingsV1, UnmappedItemV1 } from '@pos-tripletex/contracts';
import { kronerFromOre, type Posting, type Voucher } from '@pos-tripletex/tripletex';
import { DayTotals, imbalance, parseRevenueKey } from './day-totals';

/** What we need to know of a mapped account in Tripletex. */
export interface AccountInfo {
  id: number;
  number?: number;
  name?: string;
  isInactive?: boolean;
  vatLocked?: boolean;
  vatType?: { id?: number; number?: string; percentage?: number };
}

/** An outgoing VAT type of the company, resolved by number. */
export interface VatTypeInfo {
  id: number;
  number: string;
  percentage: number;
}

const METHOD_NAMES: Record<string, string> = {
  CASH: 'Kontant',
  CARD: 'Kort',
  VIPPS: 'Vipps',
  GIFT_CARD: 'Gavekort',
  OTHER: 'Annen betaling',
};

function paymentAccount(mappings: AccountMappingsV1, paymentMethodId: string): number | undefined {
  return mappings.paymentMethods.find((mapping) => mapping.paymentMethodId === paymentMethodId)
    ?.accountId;
}

function revenueAccount(
  mappings: AccountMappingsV1,
  productGroupId: string,
  takeaway: boolean,
): number | undefined {
  return mappings.productGroups.find(
    (mapping) => mapping.productGroupId === productGroupId && mapping.takeaway === takeaway,
  )?.accountId;
}

function eventAccount(mappings: AccountMappingsV1, event: 'TIPS' | 'ROUNDING'): number | undefined {
  return mappings.otherEvents.find((mapping) => mapping.event === event)?.accountId;
}

/** Everything with an amount but without an account: the day cannot be posted until it is mapped. */
export function unmappedOf(totals: DayTotals, mappings: AccountMappingsV1): UnmappedItemV1[] {
  const out: UnmappedItemV1[] = [];
  for (const id of Object.keys(totals.payments).sort()) {
    if (totals.payments[id] !== 0 && paymentAccount(mappings, id) === undefined)
      out.push({ kind: 'PAYMENT_METHOD', id });
  }
  const groups = new Set<string>();
  for (const key of Object.keys(totals.revenue).sort()) {
    const { productGroupId, takeaway } = parseRevenueKey(key);
    const id = `${productGroupId}|${takeaway}`;
    if (
      totals.revenue[key] !== 0 &&
      !groups.has(id) &&
      !revenueAccount(mappings, productGroupId, takeaway)
    ) {
      groups.add(id);
      out.push({ kind: 'PRODUCT_GROUP', id: productGroupId, takeaway });
    }
  }
  if (totals.tips !== 0 && eventAccount(mappings, 'TIPS') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'TIPS' });
  if (totals.rounding !== 0 && eventAccount(mappings, 'ROUNDING') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'ROUNDING' });
  return out;
}

/** "payment method card", "product group drinks (takeaway)", "tips": for status texts. */
export function describeUnmapped(items: UnmappedItemV1[]): string {
  return items
    .map((item) =>
      item.kind === 'PAYMENT_METHOD'
        ? `payment method ${item.id}`
        : item.kind === 'PRODUCT_GROUP'
          ? `product group ${item.id} (${item.takeaway ? 'takeaway' : 'eat-in'})`
          : item.id.toLowerCase(),
    )
    .join(', ');
}

/** The accounts a voucher for these totals posts to (all mapped: check `unmappedOf` first). */
export function accountIdsOf(totals: DayTotals, mappings: AccountMappingsV1): number[] {
  const ids = new Set<number>();
  for (const id of Object.keys(totals.payments)) ids.add(paymentAccount(mappings, id) as number);
  for (const key of Object.keys(totals.revenue)) {
    const { productGroupId, takeaway } = parseRevenueKey(key);
    ids.add(revenueAccount(mappings, productGroupId, takeaway) as number);
  }
  if (totals.tips !== 0) ids.add(eventAccount(mappings, 'TIPS') as number);
  if (totals.rounding !== 0) ids.add(eventAccount(mappings, 'ROUNDING') as number);
  return [...ids].filter((id) => id !== undefined).sort((a, b) => a - b);
}

export function vatRatesOf(totals: DayTotals): number[] {
  return [
    ...new Set(Object.keys(totals.revenue).map((key) => parseRevenueKey(key).vatRate)),
  ].sort();
}

export interface VoucherDraft {
  date: string;
  description: string;
  externalVoucherNumber: string;
  totals: DayTotals;
  /** paymentMethodId → POS method (CASH, CARD, …), for the posting texts. */
  methods: Record<string, string>;
  mappings: AccountMappingsV1;
}

export type BuildResult = { ok: true; voucher: Voucher } | { ok: false; problems: string[] };

const accountLabel = (account: AccountInfo) =>
  `${account.number ?? account.id}${account.name ? ` ${account.name}` : ''}`;

/**
 * The Tripletex voucher for a draft: debit each payment method's account, credit revenue per
 * product group × VAT rate × eat-in/takeaway with the outgoing VAT type of the rate (Tripletex
 * derives the net and the VAT posting from the gross), credit tips and rounding. Rows from 1,
 * amounts as exact kroner, gross = gross currency. Refuses (with every reason) rather than send
 * something Tripletex would refuse or that would not balance.
 */
export function buildVoucher(
  draft: VoucherDraft,
  accounts: Map<number, AccountInfo>,
  vatByRate: Map<number, VatTypeInfo>,
): BuildResult {
  const problems: string[] = [];
  const postings: Posting[] = [];
  const add = (
    accountId: number,
    ore: number,
    description: string,
    vat?: { rate: number; what: string },
  ) => {
    if (ore === 0) return;
    const account = accounts.get(accountId);
    if (!account) {
      problems.push(`account id ${accountId} (${description}) does not exist in Tripletex`);
      return;
    }
    if (account.isInactive)
      problems.push(`account ${accountLabel(account)} (${description}) is inactive in Tripletex`);
    let vatTypeId: number | undefined;
    const locked = account.vatLocked ? account.vatType : undefined;
    if (vat) {
      const wanted = vatByRate.get(vat.rate);
      if (locked?.id !== undefined && locked.id !== wanted?.id) {
        // An account locked to another code takes only that code: fine if it is the same rate
        // (e.g. 0 % outside the VAT law), a wrong mapping otherwise.
        if (locked.percentage === vat.rate) vatTypeId = locked.id;
        else
          problems.push(
            `account ${accountLabel(account)} is locked to VAT code ${locked.number ?? locked.id} (${locked.percentage ?? '?'} %), but ${vat.what} was sold at ${vat.rate} %`,
          );
      } else if (!wanted) {
        problems.push(`Tripletex has no outgoing VAT type for ${vat.rate} % (${vat.what})`);
      } else vatTypeId = wanted.id;
    } else if (locked?.id !== undefined) {
      if ((locked.percentage ?? 0) === 0) vatTypeId = locked.id;
      else
        problems.push(
          `account ${accountLabel(account)} (${description}) is locked to VAT code ${locked.number ?? locked.id} (${locked.percentage} %), which ${description.toLowerCase()} cannot carry`,
        );
    }
    const amount = kronerFromOre(ore);
    postings.push({
      row: postings.length + 1,
      date: draft.date,
      description,
      account: { id: accountId },
      amountGross: amount,
      amountGrossCurrency: amount,
      ...(vatTypeId !== undefined ? { vatType: { id: vatTypeId } } : {}),
    });
  };

  const off = imbalance(draft.totals);
  if (off !== 0)
    problems.push(`the sales do not balance: payments differ from sales by ${off} øre`);

  for (const id of Object.keys(draft.totals.payments).sort()) {
    const method = draft.methods[id];
    const name = METHOD_NAMES[method] ?? method ?? 'Betaling';
    add(paymentAccount(draft.mappings, id) as number, draft.totals.payments[id], `${name} (${id})`);
  }
  for (const key of Object.keys(draft.totals.revenue).sort()) {
    const { productGroupId, vatRate, takeaway } = parseRevenueKey(key);
    const where = takeaway ? 'take-away' : 'servering';
    add(
      revenueAccount(draft.mappings, productGroupId, takeaway) as number,
      -draft.totals.revenue[key],
      `Salg ${productGroupId}, ${where}, ${vatRate} % mva`,
      {
        rate: vatRate,
        what: `product group ${productGroupId} (${takeaway ? 'takeaway' : 'eat-in'})`,
      },
    );
  }
  if (draft.totals.tips !== 0)
    add(eventAccount(draft.mappings, 'TIPS') as number, -draft.totals.tips, 'Tips');
  if (draft.totals.rounding !== 0)
    add(eventAccount(draft.mappings, 'ROUNDING') as number, -draft.totals.rounding, 'Øreavrunding');

  if (postings.length === 0 && problems.length === 0) problems.push('nothing to post');
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    voucher: {
      date: draft.date,
      description: draft.description,
      externalVoucherNumber: draft.externalVoucherNumber,
      postings,
    },
  };
}
