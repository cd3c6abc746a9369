/** Kroner with at most 2 decimals → integer øre; undefined when it has more (or is no number). */
export function toOre(amount: unknown): number | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const ore = Math.round(amount * 100);
  return Math.abs(ore - amount * 100) < 1e-6 ? ore : undefined;
}

export const fromOre = (ore: number): number => ore / 100;

/** Net of a VAT-inclusive amount in øre, rounded half away from zero. */
export function netOfGross(grossOre: number, percentage: number): number {
  const net = (grossOre * 100) / (100 + percentage);
  return Math.sign(net) * Math.round(Math.abs(net));
}
