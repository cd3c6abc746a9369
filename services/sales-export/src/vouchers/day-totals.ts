/**
 * What a day's sales (or one voucher) amount to, in the sales' own terms, øre. Vouchers are
 * computed as differences of these: what the day's sales come to now, minus what the vouchers in
 * effect already account for. Revenue keys are `productGroupId|vatRate|E` (eat-in) or `…|T`, with
 * `|6` added for a 0 % sale outside the VAT law. Totals stored before a field existed lack it:
 * read as 0 (`addTotals` fills them in).
 */
export interface DayTotals {
  /** paymentMethodId → Σ payments (debit; refunds negative). */
  payments: Record<string, number>;
  /** revenue key → Σ line totals, VAT included (credit). */
  revenue: Record<string, number>;
  tips: number;
  rounding: number;
  /** Σ gift cards sold (credit to the gift-card liability, outside the VAT return). */
  giftCardsSold: number;
  /**
   * Counted cash minus expected cash (Z-report), booked on the cash payment method's account
   * against the cash-difference account: paymentMethodId → øre (negative: short).
   */
  cashDifference: Record<string, number>;
}

export interface RevenueKey {
  productGroupId: string;
  vatRate: number;
  takeaway: boolean;
  /** 0 % outside the VAT law (VAT code 6) rather than zero-rated (code 5). */
  outsideVatLaw?: boolean;
}

export const revenueKey = (key: RevenueKey): string =>
  `${key.productGroupId}|${key.vatRate}|${key.takeaway ? 'T' : 'E'}${key.outsideVatLaw ? '|6' : ''}`;

export function parseRevenueKey(key: string): RevenueKey {
  const [productGroupId, rate, where, code] = key.split('|');
  return {
    productGroupId,
    vatRate: Number(rate),
    takeaway: where === 'T',
    outsideVatLaw: code === '6',
  };
}

export const emptyTotals = (): DayTotals => ({
  payments: {},
  revenue: {},
  tips: 0,
  rounding: 0,
  giftCardsSold: 0,
  cashDifference: {},
});

function combine(
  a: Record<string, number> = {},
  b: Record<string, number> = {},
  sign: 1 | -1,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const value = (a[key] ?? 0) + sign * (b[key] ?? 0);
    if (value !== 0) out[key] = value;
  }
  return out;
}

/** a + b, or a − b; zero entries are dropped. */
export function addTotals(a: DayTotals, b: DayTotals, sign: 1 | -1 = 1): DayTotals {
  return {
    payments: combine(a.payments, b.payments, sign),
    revenue: combine(a.revenue, b.revenue, sign),
    tips: a.tips + sign * b.tips,
    rounding: a.rounding + sign * b.rounding,
    giftCardsSold: (a.giftCardsSold ?? 0) + sign * (b.giftCardsSold ?? 0),
    cashDifference: combine(a.cashDifference, b.cashDifference, sign),
  };
}

export const negateTotals = (totals: DayTotals): DayTotals => addTotals(emptyTotals(), totals, -1);

export function isZero(totals: DayTotals): boolean {
  return (
    totals.tips === 0 &&
    totals.rounding === 0 &&
    (totals.giftCardsSold ?? 0) === 0 &&
    Object.values(totals.cashDifference ?? {}).every((v) => v === 0) &&
    Object.values(totals.payments).every((v) => v === 0) &&
    Object.values(totals.revenue).every((v) => v === 0)
  );
}

/**
 * Debits minus credits: 0 for anything made of valid checkouts (lines + tip + rounding = payments;
 * a gift card sold is a line). A cash difference balances itself (cash account against the
 * cash-difference account).
 */
export function imbalance(totals: DayTotals): number {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);
  return (
    sum(totals.payments) -
    sum(totals.revenue) -
    totals.tips -
    totals.rounding -
    (totals.giftCardsSold ?? 0)
  );
}

/** Σ payments: the gross the voucher moves. */
export const paymentsTotal = (totals: DayTotals): number =>
  Object.values(totals.payments).reduce((sum, amount) => sum + amount, 0);
