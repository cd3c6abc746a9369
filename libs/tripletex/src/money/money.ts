/**
 * Tripletex takes amounts as decimal kroner with two decimals; we keep integer øre. The
 * conversions go through the decimal text, never through float arithmetic: `kronerFromOre(12345)`
 * is the number written `123.45`, and JSON carries exactly that text. A double holds any decimal
 * of at most 15 significant digits exactly, so amounts are limited to ±9,999,999,999,999.99 kroner.
 */
export const MAX_ORE = 10n ** 15n - 1n;

/** Øre as the decimal text of kroner, two decimals: 12345 → "123.45", -5 → "-0.05". */
export function kronerText(ore: number | bigint): string {
  if (typeof ore === 'number' && !Number.isSafeInteger(ore)) {
    throw new RangeError(`øre must be a safe integer, got ${ore}`);
  }
  const value = BigInt(ore);
  const abs = value < 0n ? -value : value;
  if (abs > MAX_ORE) throw new RangeError(`amount beyond ±${MAX_ORE} øre: ${value}`);
  return `${value < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export function kronerFromOre(ore: number | bigint): number {
  return Number(kronerText(ore));
}

/** Kroner with at most two decimals (as Tripletex returns them) → øre; more decimals are an error. */
export function oreFromKroner(kroner: number): number {
  if (!Number.isFinite(kroner)) throw new RangeError(`not an amount: ${kroner}`);
  // The shortest text that reads back as this number: what was written, e.g. "123.45" or "1e-7".
  const text = String(kroner);
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new RangeError(`not an amount with at most two decimals: ${text}`);
  const ore = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  const signed = match[1] === '-' ? -ore : ore;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount out of range: ${text}`);
  }
  return Number(signed);
}
