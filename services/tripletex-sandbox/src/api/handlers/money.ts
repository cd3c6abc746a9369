import { kronerFromOre, oreFromKroner } from '@pos-tripletex/tripletex';

/** Kroner with at most 2 decimals → integer øre; undefined when it has more (or is no number). */
export function toOre(amount: unknown): number | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  try {
    return oreFromKroner(amount);
  } catch {
    return undefined;
  }
}

/** Integer øre → the kroner Tripletex writes (exact: through the decimal text). */
export const fromOre = (ore: number): number => kronerFromOre(ore);

/** Net of a VAT-inclusive amount in øre, rounded half away from zero. */
export function netOfGross(grossOre: number, percentage: number): number {
  const net = (grossOre * 100) / (100 + percentage);
  return Math.sign(net) * Math.round(Math.abs(net));
}
