import { otherEventAccount, productGroupAccount } from '@pos-tripletex/company-settings';
import type { AccountMappingsV1, UnmappedItemV1 } from '@pos-tripletex/contracts';
import {
  accountRefusal,
  kronerFromOre,
  outgoingVatNumber,
  type Account,
  type Posting,
  type Voucher,
} from '@pos-tripletex/tripletex';
import { DayTotals, imbalance, parseRevenueKey } from './day-totals';

/** What we need to know of a mapped account in Tripletex (read with ACCOUNT_RULE_FIELDS). */
export type AccountInfo = Account;

/** An outgoing VAT type of the company, resolved by number (code 3, 31, 33, 5, 6). */
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

/** Everything with an amount but without an account: the day cannot be posted until it is mapped. */
export function unmappedOf(totals: DayTotals, mappings: AccountMappingsV1): UnmappedItemV1[] {
  const out: UnmappedItemV1[] = [];
  for (const id of Object.keys(totals.payments).sort()) {
    if (totals.payments[id] !== 0 && paymentAccount(mappings, id) === undefined)
      out.push({ kind: 'PAYMENT_METHOD', id });
  }
  const groups = new Set<string>();
  for (const key of Object.keys(totals.revenue).sort()) {
    const { productGroupId, takeaway, vatRate } = parseRevenueKey(key);
    const id = `${productGroupId}|${takeaway}|${vatRate}`;
    if (
      totals.revenue[key] !== 0 &&
      !groups.has(id) &&
      !productGroupAccount(mappings, productGroupId, takeaway, vatRate)
    ) {
      groups.add(id);
      out.push({ kind: 'PRODUCT_GROUP', id: productGroupId, takeaway, vatRate });
    }
  }
  if (totals.tips !== 0 && otherEventAccount(mappings, 'TIPS') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'TIPS' });
  if (totals.rounding !== 0 && otherEventAccount(mappings, 'ROUNDING') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'ROUNDING' });
  if (totals.giftCardsSold !== 0 && otherEventAccount(mappings, 'GIFT_CARDS_SOLD') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'GIFT_CARDS_SOLD' });
  if (hasCashDifference(totals) && otherEventAccount(mappings, 'CASH_DIFFERENCE') === undefined)
    out.push({ kind: 'OTHER_EVENT', id: 'CASH_DIFFERENCE' });
  return out;
}

const hasCashDifference = (totals: DayTotals) =>
  Object.values(totals.cashDifference).some((amount) => amount !== 0);

const OTHER_EVENT_NAMES: Record<string, string> = {
  TIPS: 'tips',
  ROUNDING: 'rounding',
  GIFT_CARDS_SOLD: 'gift cards sold',
  CASH_DIFFERENCE: 'cash difference',
};

/** "payment method card", "product group drinks (takeaway)", "tips": for status texts. */
export function describeUnmapped(items: UnmappedItemV1[]): string {
  return items
    .map((item) =>
      item.kind === 'PAYMENT_METHOD'
        ? `payment method ${item.id}`
        : item.kind === 'PRODUCT_GROUP'
          ? `product group ${item.id} (${item.takeaway ? 'takeaway' : 'eat-in'}${item.vatRate === undefined ? '' : `, ${item.vatRate} %`})`
          : item.kind === 'LOCATION'
            ? `a department for location ${item.id}`
            : (OTHER_EVENT_NAMES[item.id] ?? item.id.toLowerCase()),
    )
    .join(', ');
}

/** The accounts a voucher for these totals posts to (all mapped: check `unmappedOf` first). */
export function accountIdsOf(totals: DayTotals, mappings: AccountMappingsV1): number[] {
  const ids = new Set<number>();
  for (const id of Object.keys(totals.payments)) ids.add(paymentAccount(mappings, id) as number);
  for (const key of Object.keys(totals.revenue)) {
    const { productGroupId, takeaway, vatRate } = parseRevenueKey(key);
    ids.add(productGroupAccount(mappings, productGroupId, takeaway, vatRate) as number);
  }
  if (totals.tips !== 0) ids.add(otherEventAccount(mappings, 'TIPS') as number);
  if (totals.rounding !== 0) ids.add(otherEventAccount(mappings, 'ROUNDING') as number);
  if (totals.giftCardsSold !== 0) ids.add(otherEventAccount(mappings, 'GIFT_CARDS_SOLD') as number);
  if (hasCashDifference(totals)) {
    ids.add(otherEventAccount(mappings, 'CASH_DIFFERENCE') as number);
    for (const id of Object.keys(totals.cashDifference))
      ids.add(paymentAccount(mappings, id) as number);
  }
  return [...ids].filter((id) => id !== undefined).sort((a, b) => a - b);
}

/** The outgoing VAT code (number) of a revenue key: by rate, 5 or 6 at 0 %. */
export const vatNumberOf = (key: string): string | undefined => {
  const { vatRate, outsideVatLaw } = parseRevenueKey(key);
  return outgoingVatNumber(vatRate, outsideVatLaw);
};

/** The VAT codes (numbers) the revenue of these totals needs resolved. */
export function vatNumbersOf(totals: DayTotals): string[] {
  return [
    ...new Set(
      Object.keys(totals.revenue)
        .map(vatNumberOf)
        .filter((number): number is string => number !== undefined),
    ),
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
  /** The Tripletex department of the day's location, carried by every posting. */
  departmentId?: number;
}

export type BuildResult = { ok: true; voucher: Voucher } | { ok: false; problems: string[] };

/**
 * The Tripletex voucher for a draft: debit each payment method's account, credit revenue per
 * product group × VAT rate × eat-in/takeaway with the outgoing VAT code of the rate (Tripletex
 * derives the net and the VAT posting from the gross; 0 % is code 5, or 6 outside the VAT law),
 * credit tips, rounding and gift cards sold without VAT, and post a counted cash difference
 * between the cash account and the cash-difference account. Rows from 1, amounts as exact kroner,
 * gross = gross currency. Refuses (with every reason) rather than send something Tripletex would
 * refuse or that would not balance.
 */
export function buildVoucher(
  draft: VoucherDraft,
  accounts: Map<number, AccountInfo>,
  vatByNumber: Map<string, VatTypeInfo>,
): BuildResult {
  const problems: string[] = [];
  const postings: Posting[] = [];
  const add = (
    accountId: number,
    ore: number,
    description: string,
    vat?: { number: string | undefined; rate: number; what: string },
  ) => {
    if (ore === 0) return;
    const account = accounts.get(accountId);
    if (!account) {
      problems.push(`account id ${accountId} (${description}) does not exist in Tripletex`);
      return;
    }
    let vatTypeId: number | undefined;
    const wanted = vat?.number === undefined ? undefined : vatByNumber.get(vat.number);
    if (vat && !wanted)
      problems.push(
        `Tripletex has no outgoing VAT code ${vat.number ?? '?'} for ${vat.rate} % (${vat.what})`,
      );
    // The same rule the onboarding wizard checks a mapping with (libs/tripletex account-rules).
    const refusal = accountRefusal(account, {
      vatNumber: vat ? (vat.number ?? null) : null,
      department: draft.departmentId !== undefined,
    });
    if (refusal) {
      problems.push(`${refusal.reason} (${vat ? `${vat.what} at ${vat.rate} %` : description})`);
      return;
    }
    if (wanted) vatTypeId = wanted.id;
    // A posting without VAT on an account locked to "no VAT treatment" carries that code.
    else if (!vat && account.vatLocked && account.vatType?.id !== undefined)
      vatTypeId = account.vatType.id;
    const amount = kronerFromOre(ore);
    postings.push({
      row: postings.length + 1,
      date: draft.date,
      description,
      account: { id: accountId },
      amountGross: amount,
      amountGrossCurrency: amount,
      ...(vatTypeId !== undefined ? { vatType: { id: vatTypeId } } : {}),
      ...(draft.departmentId !== undefined ? { department: { id: draft.departmentId } } : {}),
    });
  };

  const { totals, mappings } = draft;
  const off = imbalance(totals);
  if (off !== 0)
    problems.push(`the sales do not balance: payments differ from sales by ${off} øre`);

  const methodName = (id: string) => {
    const method = draft.methods[id];
    return METHOD_NAMES[method] ?? method ?? 'Betaling';
  };
  for (const id of Object.keys(totals.payments).sort())
    add(paymentAccount(mappings, id) as number, totals.payments[id], `${methodName(id)} (${id})`);
  for (const key of Object.keys(totals.revenue).sort()) {
    const { productGroupId, vatRate, takeaway, outsideVatLaw } = parseRevenueKey(key);
    const where = takeaway ? 'take-away' : 'servering';
    const vatText = outsideVatLaw ? 'utenfor mva-loven' : `${vatRate} % mva`;
    add(
      productGroupAccount(mappings, productGroupId, takeaway, vatRate) as number,
      -totals.revenue[key],
      `Salg ${productGroupId}, ${where}, ${vatText}`,
      {
        number: vatNumberOf(key),
        rate: vatRate,
        what: `product group ${productGroupId} (${takeaway ? 'takeaway' : 'eat-in'}${outsideVatLaw ? ', outside the VAT law' : ''})`,
      },
    );
  }
  if (totals.tips !== 0) add(otherEventAccount(mappings, 'TIPS') as number, -totals.tips, 'Tips');
  if (totals.rounding !== 0)
    add(otherEventAccount(mappings, 'ROUNDING') as number, -totals.rounding, 'Øreavrunding');
  if (totals.giftCardsSold !== 0)
    add(
      otherEventAccount(mappings, 'GIFT_CARDS_SOLD') as number,
      -totals.giftCardsSold,
      'Gavekort solgt',
    );
  for (const id of Object.keys(totals.cashDifference).sort()) {
    const difference = totals.cashDifference[id];
    if (difference === 0) continue;
    const cashAccount = paymentAccount(mappings, id);
    if (cashAccount === undefined) {
      problems.push(
        `the cash counted differs from the day's cash sales by ${difference} øre, but the day has no cash payment method to book it on`,
      );
      continue;
    }
    const text = `Kassedifferanse (${difference < 0 ? 'manko' : 'overskudd'})`;
    add(cashAccount, difference, `${text}, ${methodName(id)} (${id})`);
    add(otherEventAccount(mappings, 'CASH_DIFFERENCE') as number, -difference, text);
  }

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
