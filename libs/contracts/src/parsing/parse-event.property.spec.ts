import fc from 'fast-check';
import {
  CHECKOUT_MAX_DEPTH,
  CHECKOUT_MAX_VALUES,
  ParseableTopic,
  ParseResult,
  ProblemCodes,
  Topics,
  grossOf,
  parseEvent,
} from '../index';

// Generative tests: whatever bytes a producer sends, parseEvent answers with a typed event or with
// a list of problems – it never throws, never recurses out of the stack, never hangs.

const TOPICS: ParseableTopic[] = [
  Topics.CheckoutCompletedV1,
  Topics.DayClosedV1,
  Topics.IntegrationConfigV1,
  Topics.InvoicePaymentMethodV1,
  Topics.TripletexAuthFailedV1,
  Topics.CustomersChangedV1,
  Topics.InvoiceStatusV1,
  Topics.DayStatusV1,
  Topics.RecordRejectedV1,
];

/** The answer is well-formed: ok with an event, or not ok with at least one complete problem. */
function expectAnswer(result: ParseResult<object>): void {
  if (result.ok) {
    expect(typeof result.event).toBe('object');
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const p of result.problems) {
    expect(typeof p.path).toBe('string');
    expect(typeof p.code).toBe('string');
    expect(p.code.length).toBeGreaterThan(0);
    expect(typeof p.message).toBe('string');
  }
}

const parseAny = (topic: ParseableTopic, bytes: Uint8Array | string | null) =>
  parseEvent(topic as string, bytes);

/** `[[[…x…]]]` or `{"a":{"a":…x…}}`, built as text so building it cannot overflow either. */
function nested(depth: number, kind: 'array' | 'object', inner = '0'): string {
  return kind === 'array'
    ? '['.repeat(depth) + inner + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
}

/** A valid checkout: lines with exact totals, one payment that balances them. */
const aValidCheckout = fc
  .record({
    eventId: fc.uuid(),
    companyId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    locationId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    receiptNumber: fc.string({ minLength: 1, maxLength: 32, unit: 'grapheme-ascii' }),
    lines: fc.array(
      fc.record({
        thousandths: fc.integer({ min: 1, max: 1_000_000 }),
        unitPriceGross: fc.integer({ min: 0, max: 10_000_000 }),
        discountPart: fc.integer({ min: 0, max: 100 }),
        vatRate: fc.constantFrom(25, 15, 12, 0),
        takeaway: fc.boolean(),
        description: fc.string({ minLength: 1, maxLength: 255, unit: 'grapheme' }),
      }),
      { minLength: 1, maxLength: 30 },
    ),
    tip: fc.integer({ min: 0, max: 100_000 }),
    rounding: fc.integer({ min: -99, max: 99 }),
  })
  .map((c) => {
    const lines = c.lines.map((l, i) => {
      const quantity = l.thousandths / 1000;
      const gross = grossOf(quantity, l.unitPriceGross);
      const discountGross = Math.floor((gross * l.discountPart) / 100);
      return {
        lineId: String(i + 1),
        articleId: `a${i}`,
        description: l.description,
        productGroupId: 'food',
        quantity,
        unitPriceGross: l.unitPriceGross,
        discountGross,
        totalGross: gross - discountGross,
        vatRate: l.vatRate,
        takeaway: l.takeaway,
      };
    });
    const total = lines.reduce((s, l) => s + l.totalGross, 0) + c.tip + c.rounding;
    return {
      eventId: c.eventId,
      schemaVersion: 1,
      companyId: c.companyId,
      locationId: c.locationId,
      receiptNumber: c.receiptNumber.replace(/\p{Cc}/gu, 'x'),
      kind: 'SALE',
      completedAt: '2026-11-24T18:42:10+01:00',
      currency: 'NOK',
      lines,
      payments: [{ paymentMethodId: 'card', method: 'CARD', amount: total }],
      tip: c.tip,
      rounding: c.rounding,
    };
  })
  .filter((c) => c.payments[0].amount > 0);

const hostileScalar = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    2 ** 53,
    -(2 ** 53),
    2 ** 63,
    0.1,
    -0,
    '\u0000',
    '\uFFFF',
    '\uD800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '\u202Eevil',
    '__proto__',
    'constructor',
    '',
    true,
    null,
  ),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.double(),
  fc.bigInt().map((b) => Number(b)),
);

describe('parseEvent (generative)', () => {
  it.each(TOPICS)('answers any bytes on %s without throwing', (topic) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expectAnswer(parseAny(topic, bytes));
      }),
      { numRuns: 300 },
    );
  });

  it.each(TOPICS)('answers any JSON value on %s without throwing', (topic) => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expectAnswer(parseAny(topic, JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it.each(TOPICS)('answers objects with odd keys and values on %s without throwing', (topic) => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('__proto__', 'constructor', 'prototype', 'eventId', 'companyId'),
            fc.string(),
          ),
          fc.oneof(hostileScalar, fc.jsonValue({ maxDepth: 3 })),
        ),
        (value) => {
          // JSON text keeps a "__proto__" key as an own property, as a producer's bytes would.
          const text = `{${Object.entries(value)
            .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
            .join(',')}}`;
          expectAnswer(parseAny(topic, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts every valid checkout it is given', () => {
    fc.assert(
      fc.property(aValidCheckout, (checkout) => {
        const result = parseEvent(Topics.CheckoutCompletedV1, JSON.stringify(checkout));
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        expect(result.event.eventId).toBe(checkout.eventId);
      }),
      { numRuns: 200 },
    );
  });

  it('answers a valid checkout with any field replaced by a hostile value', () => {
    const paths: ((c: Record<string, unknown>, v: unknown) => void)[] = [
      (c, v) => (c.eventId = v),
      (c, v) => (c.companyId = v),
      (c, v) => (c.tip = v),
      (c, v) => (c.rounding = v),
      (c, v) => (c.completedAt = v),
      (c, v) => ((c.lines as Record<string, unknown>[])[0].quantity = v),
      (c, v) => ((c.lines as Record<string, unknown>[])[0].totalGross = v),
      (c, v) => ((c.lines as Record<string, unknown>[])[0].description = v),
      (c, v) => ((c.payments as Record<string, unknown>[])[0].amount = v),
      (c, v) => (c.invoice = { customerId: v }),
      (c, v) => (c.refundOf = v),
    ];
    fc.assert(
      fc.property(
        aValidCheckout,
        fc.nat({ max: paths.length - 1 }),
        hostileScalar,
        (checkout, which, value) => {
          const c = checkout as unknown as Record<string, unknown>;
          paths[which](c, value);
          expectAnswer(parseEvent(Topics.CheckoutCompletedV1, JSON.stringify(c)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each(TOPICS)('refuses deep nesting anywhere on %s before transforming it', (topic) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 33, max: 20_000 }),
        fc.constantFrom<'array' | 'object'>('array', 'object'),
        fc.constantFrom('known', 'unknown', 'extension', 'line'),
        (depth, kind, where) => {
          const deep = nested(depth, kind);
          const text =
            where === 'known'
              ? `{"eventId":${deep},"companyId":"c1"}`
              : where === 'unknown'
                ? `{"companyId":"c1","surprise":${deep}}`
                : where === 'extension'
                  ? `{"companyId":"c1","x-ext":${deep}}`
                  : `{"companyId":"c1","lines":[{"lineId":"1","extra":${deep}}]}`;
          const result = parseAny(topic, text);
          expectAnswer(result);
          expect(result.ok).toBe(false);
          // Refused by the depth limit, or by the size limit first when the nesting is that long.
          if (!result.ok)
            expect([ProblemCodes.TooDeep, ProblemCodes.TooLarge]).toContain(
              result.problems[0].code,
            );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a valid checkout carrying an unknown line field 5,000 arrays deep', () => {
    fc.assert(
      fc.property(aValidCheckout, (checkout) => {
        const text = JSON.stringify(checkout).replace(
          '"lineId":"1"',
          `"lineId":"1","extra":${nested(5000, 'array')}`,
        );
        const result = parseEvent(Topics.CheckoutCompletedV1, text);
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.problems).toEqual([
            expect.objectContaining({
              code: ProblemCodes.TooDeep,
              path: expect.stringMatching(/^lines\[0\]\.extra(\[0\])+$/) as unknown,
            }),
          ]);
      }),
      { numRuns: 20 },
    );
  });

  it('accepts nesting up to the limit in fields the contract ignores', () => {
    const checkout = fc.sample(aValidCheckout, { numRuns: 1, seed: 1 })[0];
    // lines[0] is at depth 3; its unknown field may nest down to the limit and is dropped.
    const allowed = nested(CHECKOUT_MAX_DEPTH - 3, 'array');
    const text = JSON.stringify(checkout).replace(
      '"lineId":"1"',
      `"lineId":"1","extra":${allowed}`,
    );
    expect(parseEvent(Topics.CheckoutCompletedV1, text).ok).toBe(true);
    const tooDeep = nested(CHECKOUT_MAX_DEPTH - 2, 'array');
    const refused = JSON.stringify(checkout).replace(
      '"lineId":"1"',
      `"lineId":"1","extra":${tooDeep}`,
    );
    expect(parseEvent(Topics.CheckoutCompletedV1, refused)).toMatchObject({
      ok: false,
      problems: [{ code: ProblemCodes.TooDeep }],
    });
  });

  it('refuses a record of many small values before transforming it', () => {
    const many = `{"companyId":"c1","lines":[${Array.from({ length: CHECKOUT_MAX_VALUES }, () => '0').join(',')}]}`;
    expect(parseEvent(Topics.CheckoutCompletedV1, many)).toMatchObject({
      ok: false,
      problems: [{ code: ProblemCodes.TooManyValues }],
    });
  });
});
