"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_ORE = void 0;
exports.kronerFromOre = kronerFromOre;
exports.oreFromKroner = oreFromKroner;
/**
 * Tripletex takes amounts as decimal kroner with two decimals; we keep integer øre. The
 * conversions go through the decimal text, never through float arithmetic: `kronerFromOre(12345)`
 * is the number written `123.45`, and JSON carries exactly that text. A double holds any decimal
 * of at most 15 significant digits exactly, so amounts are limited to ±9,999,999,999,999.99 kroner.
 */
exports.MAX_ORE = 10n ** 15n - 1n;
function kronerFromOre(ore) {
    if (typeof ore === 'number' && !Number.isSafeInteger(ore)) {
        throw new RangeError(`øre must be a safe integer, got ${ore}`);
    }
    const value = BigInt(ore);
    const abs = value < 0n ? -value : value;
    if (abs > exports.MAX_ORE)
        throw new RangeError(`amount beyond ±${exports.MAX_ORE} øre: ${value}`);
    const text = `${value < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    return Number(text);
}
/** Kroner with at most two decimals (as Tripletex returns them) → øre; more decimals are an error. */
function oreFromKroner(kroner) {
    if (!Number.isFinite(kroner))
        throw new RangeError(`not an amount: ${kroner}`);
    // The shortest text that reads back as this number: what was written, e.g. "123.45" or "1e-7".
    const text = String(kroner);
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!match)
        throw new RangeError(`not an amount with at most two decimals: ${text}`);
    const ore = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
    const signed = match[1] === '-' ? -ore : ore;
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new RangeError(`amount out of range: ${text}`);
    }
    return Number(signed);
}
//# sourceMappingURL=money.js.map