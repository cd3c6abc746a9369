import { fromOre, netOfGross, toOre } from './money';

describe('sandbox money', () => {
  it('reads kroner with up to two decimals as exact øre', () => {
    expect(toOre(123.45)).toBe(12345);
    expect(toOre(0.3)).toBe(30);
    expect(toOre(-19.9)).toBe(-1990);
    expect(toOre(1005)).toBe(100500);
  });

  it('refuses amounts with more than two decimals or that are no numbers', () => {
    expect(toOre(1.005)).toBeUndefined();
    expect(toOre(0.1 + 0.2)).toBeUndefined(); // 0.30000000000000004
    expect(toOre('12.00')).toBeUndefined();
    expect(toOre(Number.NaN)).toBeUndefined();
    expect(toOre(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('writes øre as the kroner Tripletex answers with', () => {
    expect(fromOre(12345)).toBe(123.45);
    expect(fromOre(-5)).toBe(-0.05);
    expect(fromOre(0)).toBe(0);
  });

  it('takes the net of a VAT-inclusive amount, rounding half away from zero', () => {
    expect(netOfGross(12500, 25)).toBe(10000);
    expect(netOfGross(100, 15)).toBe(87); // 86.96
    expect(netOfGross(-100, 15)).toBe(-87);
    expect(netOfGross(5, 25)).toBe(4);
  });
});
