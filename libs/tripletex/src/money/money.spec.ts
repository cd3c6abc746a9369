import { kronerFromOre, kronerText, oreFromKroner } from './money';

describe('øre ↔ kroner', () => {
  it.each([
    [0, '0'],
    [1, '0.01'],
    [10, '0.1'],
    [12345, '123.45'],
    [-12345, '-123.45'],
    [-5, '-0.05'],
    [100, '1'],
    [999_999_999_999_999, '9999999999999.99'],
    [-999_999_999_999_999, '-9999999999999.99'],
  ])('%i øre is written %s kroner', (ore, text) => {
    expect(JSON.stringify(kronerFromOre(ore))).toBe(text);
    expect(oreFromKroner(kronerFromOre(ore))).toBe(ore);
  });

  it('round-trips every øre amount in a wide sample exactly', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const ore = ((next() * 2 ** 19 + next()) % 10 ** 15) * (i % 2 ? -1 : 1);
      const kroner = kronerFromOre(ore);
      const whole = Math.trunc(Math.abs(ore) / 100);
      const cents = String(Math.abs(ore) % 100).padStart(2, '0');
      expect(`${ore < 0 ? '-' : ''}${whole}.${cents}`).toBe(kroner.toFixed(2));
      expect(oreFromKroner(kroner)).toBe(ore);
    }
  });

  it('refuses what is not whole øre', () => {
    expect(() => kronerFromOre(1.5)).toThrow(RangeError);
    expect(() => kronerFromOre(10 ** 15)).toThrow(/beyond/);
    expect(() => oreFromKroner(1.234)).toThrow(/two decimals/);
    expect(() => oreFromKroner(Number.NaN)).toThrow(RangeError);
  });
});

describe(kronerText.name, () => {
  it.each([
    [12345, '123.45'],
    [-5, '-0.05'],
    [0, '0.00'],
    [100000000, '1000000.00'],
  ])('%i øre reads %s', (ore, text) => expect(kronerText(ore)).toBe(text));
});
