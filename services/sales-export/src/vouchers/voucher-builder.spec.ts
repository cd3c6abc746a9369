import { AccountMappingsV1 } from '@pos-tripletex/contracts';
import { addTotals, DayTotals, emptyTotals, imbalance } from './day-totals';
import { externalVoucherNumber } from './external-number';
import {
  AccountInfo,
  buildVoucher,
  describeUnmapped,
  unmappedOf,
  VatTypeInfo,
} from './voucher-builder';

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
  giftCardsSold: 0,
  cashDifference: {},
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
    { productGroupId: 'newspapers', takeaway: false, accountId: 40, accountNumber: 3100 },
    { productGroupId: 'deposits', takeaway: true, accountId: 41, accountNumber: 3200 },
  ],
  otherEvents: [
    { event: 'TIPS', accountId: 29, accountNumber: 2910 },
    { event: 'ROUNDING', accountId: 77, accountNumber: 7740 },
    { event: 'GIFT_CARDS_SOLD', accountId: 26, accountNumber: 2960 },
    { event: 'CASH_DIFFERENCE', accountId: 19, accountNumber: 1909 },
  ],
};

/** The outgoing VAT codes by number, with Tripletex's ids (FACTS 37: id 32 is code 33). */
const vat = new Map<string, VatTypeInfo>([
  ['3', { id: 3, number: '3', percentage: 25 }],
  ['31', { id: 31, number: '31', percentage: 15 }],
  ['33', { id: 32, number: '33', percentage: 12 }],
  ['5', { id: 5, number: '5', percentage: 0 }],
  ['6', { id: 6, number: '6', percentage: 0 }],
]);

const NUMBERS: Record<number, number> = {
  11: 1900,
  12: 1579,
  19: 1909,
  26: 2960,
  29: 2910,
  30: 3000,
  31: 3001,
  40: 3100,
  41: 3200,
  77: 7740,
};

const accounts = (overrides: Partial<Record<number, Partial<AccountInfo>>> = {}) =>
  new Map<number, AccountInfo>(
    Object.keys(NUMBERS)
      .map(Number)
      .map((id) => [
        id,
        {
          id,
          number: NUMBERS[id],
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
  methods: { cash: 'CASH', card: 'CARD', vipps: 'VIPPS', giftcard: 'GIFT_CARD' },
  mappings: {
    ...mappings,
    paymentMethods: [
      ...mappings.paymentMethods,
      // Paying with a gift card debits the liability the card was sold to.
      { paymentMethodId: 'giftcard', accountId: 26, accountNumber: 2960 },
    ],
  },
};

/** A day's totals: nothing but what the test says. */
const day = (part: Partial<DayTotals>): DayTotals => ({ ...emptyTotals(), ...part });

/** [row, account number, kroner, VAT code number or null, description] of each posting. */
function postingsOf(totals: DayTotals, accountsNow = accounts()) {
  const result = buildVoucher({ ...draft, totals }, accountsNow, vat);
  if (!result.ok) throw new Error(result.problems.join('; '));
  const numberOfVat = new Map([...vat.values()].map((v) => [v.id, v.number]));
  const postings = result.voucher.postings ?? [];
  const cents = postings.reduce((sum, p) => sum + Math.round((p.amountGross ?? 0) * 100), 0);
  expect(cents).toBe(0);
  return postings.map((p) => [
    p.row,
    NUMBERS[p.account?.id as number],
    p.amountGross,
    p.vatType ? numberOfVat.get(p.vatType.id as number) : null,
    p.description,
  ]);
}

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
      /account 3000 is locked to VAT code 3, but the sale needs VAT code 31 \(product group food \(eat-in\) at 15 %\)/,
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

  it('books a 0 % sale zero-rated (code 5) unless it is outside the VAT law (code 6)', () => {
    // cash 46.00: a newspaper 40.00 (0 %, zero-rated) eaten in, bottle deposit 6.00 (0 %, outside
    // the VAT law) taken away.
    expect(
      postingsOf(
        day({
          payments: { cash: 4600 },
          revenue: { 'newspapers|0|E': 4000, 'deposits|0|T|6': 600 },
        }),
      ),
    ).toEqual([
      [1, 1900, 46, null, 'Kontant (cash)'],
      [2, 3200, -6, '6', 'Salg deposits, take-away, utenfor mva-loven'],
      [3, 3100, -40, '5', 'Salg newspapers, servering, 0 % mva'],
    ]);
  });

  it('refuses a zero-rated sale on an account locked to code 6, naming the account and the codes', () => {
    const lockedTo6 = accounts({
      40: { vatLocked: true, vatType: { id: 6, number: '6', percentage: 0 } },
    });
    const result = buildVoucher(
      { ...draft, totals: day({ payments: { cash: 4000 }, revenue: { 'newspapers|0|E': 4000 } }) },
      lockedTo6,
      vat,
    );
    expect(!result.ok && result.problems).toEqual([
      'account 3100 is locked to VAT code 6, but the sale needs VAT code 5 (product group newspapers (eat-in) at 0 %)',
    ]);
  });

  it('credits a gift card sold to the liability without VAT, and debits it when a card pays', () => {
    // card 545.00: a gift card 500.00 sold and a coffee 45.00 (25 %); a lunch 300.00 (25 %) paid
    // with a gift card. The liability 2960 nets to 200.00 owed; revenue is only what was eaten.
    expect(
      postingsOf(
        day({
          payments: { card: 54500, giftcard: 30000 },
          revenue: { 'food|25|E': 34500 },
          giftCardsSold: 50000,
        }),
      ),
    ).toEqual([
      [1, 1579, 545, null, 'Kort (card)'],
      [2, 2960, 300, null, 'Gavekort (giftcard)'],
      [3, 3000, -345, '3', 'Salg food, servering, 25 % mva'],
      [4, 2960, -500, null, 'Gavekort solgt'],
    ]);
  });

  it('posts cash counted short by 37.50 kr between the cash account and the cash-difference account', () => {
    expect(
      postingsOf(
        day({
          payments: { cash: 100000 },
          revenue: { 'food|25|E': 100000 },
          cashDifference: { cash: -3750 },
        }),
      ),
    ).toEqual([
      [1, 1900, 1000, null, 'Kontant (cash)'],
      [2, 3000, -1000, '3', 'Salg food, servering, 25 % mva'],
      [3, 1900, -37.5, null, 'Kassedifferanse (manko), Kontant (cash)'],
      [4, 1909, 37.5, null, 'Kassedifferanse (manko)'],
    ]);
  });

  it('refuses a customer sub-ledger account as a payment account and a sale code the account does not take', () => {
    const result = buildVoucher(
      draft,
      accounts({
        11: { number: 1500, name: 'Kundefordringer', ledgerType: 'CUSTOMER' },
        31: { legalVatTypes: [{ id: 3, number: '3' }] },
      }),
      vat,
    );
    expect(!result.ok && result.problems).toEqual([
      'account 1500 Kundefordringer is a CUSTOMER sub-ledger account: Tripletex needs a customer on every posting to it (Kontant (cash))',
      'account 3001 takes VAT codes 3 only, but the sale needs VAT code 31 (product group drinks (takeaway) at 15 %)',
    ]);
  });

  it('credits a take-away group sold at two rates to the account mapped for each rate', () => {
    // card 110.00: take-away beer 80.00 (25 %) and soda 30.00 (15 %), both in group "drinks".
    const perRate: AccountMappingsV1 = {
      ...draft.mappings,
      productGroups: [
        {
          productGroupId: 'drinks',
          takeaway: true,
          vatRate: 25,
          accountId: 30,
          accountNumber: 3000,
        },
        {
          productGroupId: 'drinks',
          takeaway: true,
          vatRate: 15,
          accountId: 31,
          accountNumber: 3001,
        },
      ],
    };
    const totals = day({
      payments: { card: 11000 },
      revenue: { 'drinks|25|T': 8000, 'drinks|15|T': 3000 },
    });
    const result = buildVoucher({ ...draft, mappings: perRate, totals }, accounts(), vat);
    if (!result.ok) throw new Error(result.problems.join());
    expect(
      result.voucher.postings?.map((p) => [p.account?.id, p.amountGross, p.vatType?.id]),
    ).toEqual([
      [12, 110, undefined],
      [31, -30, 31],
      [30, -80, 3],
    ]);
    // A third rate without its own account is unmapped, named with the rate.
    const unmapped = unmappedOf(
      day({ payments: { card: 1200 }, revenue: { 'drinks|12|T': 1200 } }),
      perRate,
    );
    expect(unmapped).toEqual([
      { kind: 'PRODUCT_GROUP', id: 'drinks', takeaway: true, vatRate: 12 },
    ]);
    expect(describeUnmapped(unmapped)).toBe('product group drinks (takeaway, 12 %)');
    // A group mapped once (settings from before accounts per rate) keeps its one account.
    expect(unmappedOf(totals, { ...perRate, productGroups: [perRate.productGroups[1]] })).toEqual(
      [],
    );
  });

  it('puts the location\u2019s department on every posting, and refuses an account requiring one without it', () => {
    const totals = day({ payments: { card: 10000 }, revenue: { 'food|25|E': 10000 } });
    const withDepartment = buildVoucher(
      { ...draft, totals, departmentId: 71 },
      accounts({ 30: { requiresDepartment: true } }),
      vat,
    );
    if (!withDepartment.ok) throw new Error(withDepartment.problems.join());
    expect(withDepartment.voucher.postings?.map((p) => p.department)).toEqual([
      { id: 71 },
      { id: 71 },
    ]);
    const without = buildVoucher(
      { ...draft, totals },
      accounts({ 30: { requiresDepartment: true } }),
      vat,
    );
    expect(!without.ok && without.problems).toEqual([
      'account 3000 requires a department, and the location has none mapped (product group food (eat-in) at 25 %)',
    ]);
    const project = buildVoucher(
      { ...draft, totals, departmentId: 71 },
      accounts({ 12: { requiresProject: true } }),
      vat,
    );
    expect(!project.ok && project.problems.join()).toMatch(/1579 requires a project/);
  });

  it('names gift cards sold and a cash difference without an account as unmapped', () => {
    const unmapped = unmappedOf(day({ giftCardsSold: 50000, cashDifference: { cash: 100 } }), {
      ...mappings,
      otherEvents: [],
    });
    expect(unmapped).toEqual([
      { kind: 'OTHER_EVENT', id: 'GIFT_CARDS_SOLD' },
      { kind: 'OTHER_EVENT', id: 'CASH_DIFFERENCE' },
    ]);
    expect(describeUnmapped(unmapped)).toBe('gift cards sold, cash difference');
  });

  it('refuses gift cards sold on an account locked to a VAT code: they stay outside the VAT return', () => {
    const result = buildVoucher(
      { ...draft, totals: day({ payments: { card: 50000 }, giftCardsSold: 50000 }) },
      accounts({ 26: { vatLocked: true, vatType: { id: 5, number: '5', percentage: 0 } } }),
      vat,
    );
    expect(!result.ok && result.problems.join()).toMatch(
      /account 2960 is locked to VAT code 5, but this posting carries no VAT \(Gavekort solgt\)/,
    );
  });

  it('posts a correction as the difference between the sales now and what was posted', () => {
    const posted = totals;
    const late = day({ payments: { card: 10000 }, revenue: { 'food|25|E': 10000 } });
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
