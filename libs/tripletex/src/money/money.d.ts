/**
 * Tripletex takes amounts as decimal kroner with two decimals; we keep integer øre. The
 * conversions go through the decimal text, never through float arithmetic: `kronerFromOre(12345)`
 * is the number written `123.45`, and JSON carries exactly that text. A double holds any decimal
 * of at most 15 significant digits exactly, so amounts are limited to ±9,999,999,999,999.99 kroner.
 */
export declare const MAX_ORE: bigint;
export declare function kronerFromOre(ore: number | bigint): number;
/** Kroner with at most two decimals (as Tripletex returns them) → øre; more decimals are an error. */
export declare function oreFromKroner(kroner: number): number;
