import { randomUUID } from 'node:crypto';
import {
  CHECKOUT_MAX_BYTES,
  ProblemCodes,
  Topics,
  grossOf,
  parseEvent,
  validateEvent,
} from '../index';

function sale(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId: 'c1',
    locationId: 'l1',
    receiptNumber: '1',
    kind: 'SALE',
    completedAt: '2026-11-24T18:42:10+01:00',
    currency: 'NOK',
    lines: [
      {
        lineId: '1',
        articleId: 'a',
        description: 'A',
        productGroupId: 'food',
        quantity: 1,
        unitPriceGross: 10000,
        totalGross: 10000,
        vatRate: 25,
        takeaway: false,
      },
    ],
    payments: [{ paymentMethodId: 'card', method: 'CARD', amount: 10000 }],
    ...overrides,
  };
}

const parse = (value: unknown) =>
  parseEvent(Topics.CheckoutCompletedV1, Buffer.from(JSON.stringify(value)));

const problemsOf = (value: unknown) => {
  const r = parse(value);
  return r.ok ? [] : r.problems;
};

describe('parseEvent', () => {
  it('returns a typed event with defaults filled in', () => {
    const r = parse(sale());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.tip).toBe(0);
    expect(r.event.rounding).toBe(0);
    expect(r.event.lines[0].discountGross).toBe(0);
  });

  it('rounds quantity × price half away from zero, exactly', () => {
    expect(grossOf(0.375, 29900)).toBe(11213);
    expect(grossOf(-0.375, 29900)).toBe(-11213);
    expect(grossOf(0.005, 100)).toBe(1); // 0.5 øre rounds up
    expect(grossOf(-0.005, 100)).toBe(-1);
    expect(grossOf(1.005, 1)).toBe(1);
    // 999999.999 × 9007199254 = 9007199244992800.746: beyond float precision, still exact
    expect(grossOf(999999.999, 9007199254)).toBe(9007199244992801);
  });

  it('accepts a refund whose line total adds back the discount that was given', () => {
    const r = parse(
      sale({
        kind: 'REFUND',
        lines: [
          {
            lineId: '1',
            articleId: 'a',
            description: 'A',
            productGroupId: 'food',
            quantity: -2,
            unitPriceGross: 5000,
            discountGross: 1000,
            totalGross: -9000,
            vatRate: 25,
            takeaway: false,
          },
        ],
        payments: [{ paymentMethodId: 'card', method: 'CARD', amount: -9000 }],
      }),
    );
    expect(r).toMatchObject({ ok: true });
  });

  it('ignores x- extension fields but rejects every other unknown top-level field', () => {
    expect(parse(sale({ 'x-anything': { a: 1 } })).ok).toBe(true);
    expect(problemsOf(sale({ tips: 1, Currency: 'NOK' }))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'tips', code: ProblemCodes.UnknownField }),
        expect.objectContaining({ path: 'Currency', code: ProblemCodes.UnknownField }),
      ]),
    );
  });

  it('lists every problem of a record, not just the first', () => {
    const problems = problemsOf(
      sale({ eventId: 'x', currency: 'SEK', rounding: 500, payments: [{ method: 'CARD' }] }),
    );
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'eventId',
        'currency',
        'rounding',
        'payments[0].paymentMethodId',
        'payments[0].amount',
      ]),
    );
  });

  it('includes tip and rounding in the balance', () => {
    expect(
      parse(
        sale({
          tip: 500,
          rounding: -3,
          payments: [{ paymentMethodId: 'cash', method: 'CASH', amount: 10497 }],
        }),
      ).ok,
    ).toBe(true);
    expect(problemsOf(sale({ tip: 500 }))).toContainEqual(
      expect.objectContaining({ path: 'payments', code: ProblemCodes.Unbalanced }),
    );
  });

  it('rejects refundOf on a sale', () => {
    expect(
      problemsOf(sale({ refundOf: { eventId: randomUUID(), receiptNumber: '9' } })),
    ).toContainEqual(
      expect.objectContaining({ path: 'refundOf', code: ProblemCodes.RefundOfForbidden }),
    );
  });

  it('rejects dates that do not exist and times without an offset', () => {
    for (const completedAt of [
      '2026-02-30T10:00:00+01:00',
      '2026-11-24T25:00:00Z',
      '2026-11-24 10:00:00Z',
    ]) {
      expect(problemsOf(sale({ completedAt }))).toContainEqual(
        expect.objectContaining({ path: 'completedAt' }),
      );
    }
  });

  it('rejects control characters in the receipt number', () => {
    expect(problemsOf(sale({ receiptNumber: 'a\nb' }))).toContainEqual(
      expect.objectContaining({ path: 'receiptNumber' }),
    );
  });

  it('rejects bytes that are not a record before trying to read them', () => {
    const code = (bytes: Buffer | null) => {
      const r = parseEvent(Topics.CheckoutCompletedV1, bytes);
      return r.ok ? 'OK' : r.problems[0].code;
    };
    expect(code(null)).toBe(ProblemCodes.Empty);
    expect(code(Buffer.alloc(0))).toBe(ProblemCodes.Empty);
    expect(code(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toBe(ProblemCodes.InvalidUtf8);
    expect(code(Buffer.from('"just a string"'))).toBe(ProblemCodes.NotAnObject);
    expect(code(Buffer.from('null'))).toBe(ProblemCodes.NotAnObject);
    const huge = Buffer.from(JSON.stringify(sale({ 'x-pad': 'x'.repeat(CHECKOUT_MAX_BYTES) })));
    expect(code(huge)).toBe(ProblemCodes.TooLarge);
  });

  it('does not let a __proto__ key pollute anything', () => {
    const r = parseEvent(
      Topics.CheckoutCompletedV1,
      Buffer.from(JSON.stringify(sale()).replace('{', '{"__proto__":{"polluted":true},')),
    );
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers an unknown topic with a problem instead of throwing', () => {
    expect(parseEvent('no.such.topic.v1', Buffer.from('{}'))).toMatchObject({
      ok: false,
      problems: [{ code: ProblemCodes.UnknownTopic }],
    });
  });
});

describe('internal events are read tolerantly', () => {
  const config = {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId: 'c1',
    version: 3,
    status: 'ACTIVE',
    changedAt: '2026-11-24T10:00:00Z',
    startDate: '2026-11-01',
    mappings: {
      paymentMethods: [{ paymentMethodId: 'cash', accountId: 11, accountNumber: 1900 }],
      productGroups: [],
      otherEvents: [],
    },
  };

  it('ignores fields a newer producer added', () => {
    const r = validateEvent(Topics.IntegrationConfigV1, { ...config, somethingNew: { a: 1 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.invoicing.enabled).toBe(false);
    expect(r.event.dayCutoffHour).toBe(4);
    expect(r.event.mappings.paymentMethods[0].accountNumber).toBe(1900);
  });

  it('still rejects a wrong type in a known field', () => {
    const r = validateEvent(Topics.IntegrationConfigV1, { ...config, version: '3' });
    expect(r).toMatchObject({ ok: false, problems: [{ path: 'version' }] });
  });

  it('validates day-closed signals strictly', () => {
    const r = parseEvent(
      Topics.DayClosedV1,
      JSON.stringify({
        eventId: randomUUID(),
        schemaVersion: 1,
        companyId: 'c1',
        locationId: 'l1',
        businessDay: '2026-11-31',
        closedAt: '2026-12-01T04:00:00+01:00',
      }),
    );
    expect(r).toMatchObject({ ok: false, problems: [{ path: 'businessDay' }] });
  });
});
