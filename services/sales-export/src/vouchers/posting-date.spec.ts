import { reconcile } from './day-sales.repository';
import { isClosedPeriodRefusal } from './posting-date';

describe(isClosedPeriodRefusal.name, () => {
  it.each([
    ['Regnskapsperioden for 2026-10-15 er lukket.', true],
    ['Perioden er låst for bilagsføring.', true],
    ['The accounting period is closed.', true],
    ['Mva-terminen er lukket.', true],
    ['Summen av posteringene for 2026-03-21 er ikke lik 0.', false],
    ['Kontoen 3000 Salgsinntekt er låst til mva-kode 3.', false],
  ])('%s → %s', (message, closed) => expect(isClosedPeriodRefusal(message)).toBe(closed));
});

describe(reconcile.name, () => {
  it('says in plain words where the Z-report and the stored sales disagree, and computes the cash difference', () => {
    expect(
      reconcile(
        { checkoutCount: 12, totalGross: 1_000_000, countedCash: 96_250 },
        { checkouts: 11, salesGross: 990_000, expectedCash: 100_000 },
      ),
    ).toEqual({
      zCheckoutCount: 12,
      checkouts: 11,
      zTotalGross: 1_000_000,
      salesGross: 990_000,
      countedCash: 96_250,
      expectedCash: 100_000,
      cashDifference: -3750,
      mismatches: [
        'the Z-report counts 12 checkouts, but 11 were received',
        "the Z-report's total is 10000.00 kr, but the checkouts received come to 9900.00 kr",
      ],
    });
  });

  it('has no mismatch and no cash difference when the Z-report only counts checkouts that all came', () => {
    expect(
      reconcile(
        { checkoutCount: 3, totalGross: null, countedCash: null },
        { checkouts: 3, salesGross: 500, expectedCash: 200 },
      ),
    ).toMatchObject({ mismatches: [], cashDifference: undefined });
  });
});
