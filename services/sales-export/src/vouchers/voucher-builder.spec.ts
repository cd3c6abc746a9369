import { AccountMappingsV1 } from '@pos-tripletex/contracts';
import { addTotals, DayTotals, emptyTotals, imbalance } from './day-totals';
import { externalVoucherNumber } from './external-number';
import { AccountInfo, buildVoucher, unmappedOf, VatTypeInfo } from './voucher-builder';

// A day worked out by hand:
//   cash   sale: food 25 % eat-in 189.00, rounding +0.40      → cash   189.40
//   card   sale: food 25 % eat-in 449.00, drinks 15 % takeaway 89.50, tip 50.00 → card 588.50
//   vipps  sale: drinks 15 % takeaway 120.00                   → vipps  120.00
//   card refund: food 25 % eat-in −49.00                       → card   −49.00
// Debits: cash 189.40, card 539.50, vipps 120.00 = 848.90
// Credits: food 25 % 589.00, drinks 15 % takeaway 209.50, tips 50.00, rounding 0.40 = 848.90
const totals: DayTotals = {
  payments: { cash: 18940, card: 53950, vipps: 12000 },
  revenue: { 'food|25|E': 58900, 'drinks|15|T': 20950 },
  tips: 5000,
  rounding: 40,
};

const mappings: AccountMappingsV1 = {
  paymentMethods: [
    { paymentMethodId: 'cash', accountId: 11, accountNumber: 1900 },
    { paymentMethodId: 'card', accountId: 12, accountNumber: 1579 },
    { paymentMethodId: 'vipps', accountId: 12, accountNumber: 1579 },
  ],
  productGroups: [
    { productGroupId: 'food', takeaway: false, vatRate: 25, accountId: 30, accountNumber: 3000 },
    { productGroupId: 'drinks', takeaway: true, vatRate: 15, accountId: 31, accountNumber: 3001 },
  ],
  otherEvents: [
    { event: 'TIPS', accountId: 29, accountNumber: 2910 },
    { event: 'ROUNDING', accountId: 77, accountNumber: 7740 },
  ],
};

const vat = new Map<number, VatTypeInfo>([
  [25, { id: 3, number: '3', percentage: 25 }],
  [15, { id: 31, number: '31', percentage: 15 }],
  [12, { id: 32, number: '33', percentage: 12 }],
  [0, { id: 5, number: '5', percentage: 0 }],
]);

const accounts = (overrides: Partial<Record<number, Partial<AccountInfo>>> = {}) =>
  new Map<number, AccountInfo>(
    [11, 12, 29, 30, 31, 77].map((id) => [
      id,
      {
        id,
        number: { 11: 1900, 12: 1579, 29: 2910, 30: 3000, 31: 3001, 77: 7740 }[id],
        vatLocked: id === 30,
        vatType: id === 30 ? { id: 3, number: '3', percentage: 25 } : undefined,
        ...overrides[id],
      },
    ]),
  );

const draft = {
  date: '2026-11-24',
  description: 'POS-salg oslo 2026-11-24',
  externalVoucherNumber: 'POS-x-20261124-0-oslo',
  totals,
  methods: { cash: 'CASH', card: 'CARD', vipps: 'VIPPS' },
  mappings,
};

describe('the daily voucher', () => {
  it('posts payments, revenue per group × rate × takeaway with VAT, tips and rounding, to the øre', () => {
    const result = buildVoucher(draft, accounts(), vat);
    if (!result.ok) throw new Error(result.problems.join('; '));
    const v = result.voucher;
    expect(v).toMatchObject({
      date: '2026-11-24',
      externalVoucherNumber: 'POS-x-20261124-0-oslo',
      description: 'POS-salg oslo 2026-11-24',
    });
    expect(
      v.postings?.map((p) => [p.row, p.account?.id, p.amountGross, p.vatType?.id ?? null]),
    ).toEqual([
      [1, 12, 539.5, null],
      [2, 11, 189.4, null],
      [3, 12, 120, null],
      [4, 31, -209.5, 31],
      [5, 30, -589, 3],
      [6, 29, -50, null],
      [7, 77, -0.4, null],
    ]);
    for (const p of v.postings ?? []) {
      expect(p.amountGrossCurrency).toBe(p.amountGross);
      expect(p.date).toBe('2026-11-24');
    }
    const cents = (v.postings ?? []).reduce(
      (s, p) => s + Math.round((p.amountGross ?? 0) * 100),
      0,
    );
    expect(cents).toBe(0);
    expect(JSON.stringify(v.postings?.[6])).toContain('"amountGross":-0.4');
  });

  it('names what is unmapped instead of building anything', () => {
    const partial: AccountMappingsV1 = {
      ...mappings,
      paymentMethods: mappings.paymentMethods.filter((p) => p.paymentMethodId !== 'vipps'),
      otherEvents: [],
    };
    expect(unmappedOf(totals, partial)).toEqual([
      { kind: 'PAYMENT_METHOD', id: 'vipps' },
      { kind: 'OTHER_EVENT', id: 'TIPS' },
      { kind: 'OTHER_EVENT', id: 'ROUNDING' },
    ]);
    expect(unmappedOf(totals, mappings)).toEqual([]);
  });

  it('refuses a VAT-locked account sold at another rate, an inactive account and an unbalanced day', () => {
    const wrongRate = buildVoucher(
      { ...draft, totals: { ...totals, revenue: { 'food|15|E': 58900, 'drinks|15|T': 20950 } } },
      accounts(),
      vat,
    );
    expect(wrongRate.ok).toBe(false);
    expect(!wrongRate.ok && wrongRate.problems.join()).toMatch(
      /3000 is locked to VAT code 3 \(25 %\)/,
    );

    const inactive = buildVoucher(draft, accounts({ 77: { isInactive: true } }), vat);
    expect(!inactive.ok && inactive.problems.join()).toMatch(/7740 .*inactive/);

    const unbalanced = buildVoucher(
      { ...draft, totals: { ...totals, tips: 4999 } },
      accounts(),
      vat,
    );
    expect(!unbalanced.ok && unbalanced.problems.join()).toMatch(/do not balance.*1 øre/);
  });

  it('uses the code an account is locked to when it has the same rate (0 % outside the VAT law)', () => {
    const zero = buildVoucher(
      {
        ...draft,
        totals: { payments: { cash: 1000 }, revenue: { 'food|0|E': 1000 }, tips: 0, rounding: 0 },
      },
      accounts({ 30: { vatLocked: true, vatType: { id: 6, number: '6', percentage: 0 } } }),
      vat,
    );
    if (!zero.ok) throw new Error(zero.problems.join());
    expect(zero.voucher.postings?.[1].vatType).toEqual({ id: 6 });
  });

  it('posts a correction as the difference between the sales now and what was posted', () => {
    const posted = totals;
    const late: DayTotals = {
      payments: { card: 10000 },
      revenue: { 'food|25|E': 10000 },
      tips: 0,
      rounding: 0,
    };
    const now = addTotals(posted, late);
    const difference = addTotals(now, posted, -1);
    expect(difference).toEqual({ ...late });
    expect(imbalance(difference)).toBe(0);
    expect(addTotals(posted, posted, -1)).toEqual(emptyTotals());
  });
});

describe(externalVoucherNumber.name, () => {
  it('is the same for the same day, location and sequence, and at most 70 characters', () => {
    const a = externalVoucherNumber('co_1', 'oslo-sentrum', '2026-11-24', 0);
    expect(a).toMatch(/^POS-[0-9a-f]{6}-20261124-0-oslo-sentrum$/);
    expect(externalVoucherNumber('co_1', 'oslo-sentrum', '2026-11-24', 0)).toBe(a);
    expect(externalVoucherNumber('co_2', 'oslo-sentrum', '2026-11-24', 0)).not.toBe(a);
    expect(externalVoucherNumber('co_1', 'oslo-sentrum', '2026-11-24', 1)).not.toBe(a);
    const long = externalVoucherNumber('co_1', 'x'.repeat(64), '2026-11-24', 12);
    expect(long.length).toBeLessThanOrEqual(70);
    expect(long).toMatch(/^POS-[0-9a-f]{6}-20261124-12-[0-9a-f]{16}$/);
  });
});
