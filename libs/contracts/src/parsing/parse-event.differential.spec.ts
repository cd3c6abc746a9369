import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CheckoutCompletedV1,
  grossOf,
  ParseableTopic,
  parseEvent,
  parseEventByClassValidator,
  Topics,
} from '../index';
import { acceptorFor } from './compiled-validation';

// parseEvent accepts valid records through an acceptor compiled from the contract classes'
// decorators (compiled-validation.ts) and leaves everything else to class-validator. Here both
// paths judge the same bytes – every example, a sample of every topic, and thousands of generated
// variations of them – and must answer identically: the same ok, the same event (same classes,
// same fields, same defaults), the same problems.

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A record of every parseable topic, with its optional parts filled in. */
const SAMPLES: Record<ParseableTopic, Record<string, unknown>> = {
  [Topics.CheckoutCompletedV1]: {
    eventId: uuid(1),
    schemaVersion: 1,
    companyId: 'c1',
    locationId: 'oslo',
    registerId: 'kasse-1',
    receiptNumber: '1001',
    kind: 'SALE',
    completedAt: '2026-11-24T18:42:10+01:00',
    currency: 'NOK',
    lines: [
      {
        lineId: '1',
        articleId: 'a1',
        description: 'Dagens',
        productGroupId: 'food',
        quantity: 1.5,
        unitPriceGross: 10000,
        discountGross: 500,
        totalGross: 14500,
        vatRate: 25,
        takeaway: false,
      },
      {
        lineId: '2',
        articleId: 'g1',
        description: 'Gavekort',
        productGroupId: 'gift',
        quantity: 1,
        unitPriceGross: 50000,
        totalGross: 50000,
        vatRate: 0,
        takeaway: false,
        lineType: 'GIFT_CARD',
        extra: { note: 'ignored' },
      },
    ],
    payments: [{ paymentMethodId: 'inv', method: 'INVOICE', amount: 65500 }],
    tip: 1000,
    rounding: 0,
    invoice: { customerId: 7, reference: 'Ola', comment: 'Lunsj', sendType: 'EMAIL' },
    'x-pos': { build: 42 },
  },
  [Topics.DayClosedV1]: {
    eventId: uuid(2),
    schemaVersion: 1,
    companyId: 'c1',
    locationId: 'oslo',
    registerId: 'kasse-1',
    businessDay: '2026-11-24',
    closedAt: '2026-11-25T02:00:00+01:00',
    checkoutCount: 12,
    totalGross: 123400,
    countedCash: 5000,
  },
  [Topics.IntegrationConfigV1]: {
    eventId: uuid(3),
    schemaVersion: 1,
    companyId: 'c1',
    version: 3,
    status: 'ACTIVE',
    changedAt: '2026-11-24T10:00:00Z',
    startDate: '2026-11-01',
    dayCutoffHour: 5,
    tripletex: { companyId: 99, employeeToken: { keyId: 'k1', value: 'v2.sealed' } },
    mappings: {
      paymentMethods: [{ paymentMethodId: 'cash', accountId: 11, accountNumber: 1900 }],
      productGroups: [
        {
          productGroupId: 'food',
          takeaway: false,
          vatRate: 25,
          accountId: 12,
          accountNumber: 3000,
        },
      ],
      otherEvents: [{ event: 'TIPS', accountId: 13, accountNumber: 2910 }],
      locations: [{ locationId: 'oslo', departmentId: 5, departmentNumber: '1' }],
    },
    invoicing: {
      enabled: true,
      sendToCustomer: true,
      sendType: 'EMAIL',
      collective: { enabled: true, cadence: 'WEEKLY' },
    },
    salesExport: { sendToLedger: true, graceMinutes: 30 },
    somethingNew: { a: 1 },
  },
  [Topics.InvoicePaymentMethodV1]: {
    eventId: uuid(4),
    schemaVersion: 1,
    companyId: 'c1',
    enabled: true,
    reason: 'activated',
    version: 2,
    changedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.TripletexAuthFailedV1]: {
    eventId: uuid(5),
    schemaVersion: 1,
    companyId: 'c1',
    service: 'invoicing',
    message: '401 Unauthorized',
    failedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.CustomersChangedV1]: {
    eventId: uuid(6),
    schemaVersion: 1,
    companyId: 'c1',
    customerId: 7,
    customerNumber: 10007,
    name: 'Kunde AS',
    organizationNumber: '999999999',
    email: 'post@kunde.no',
    isInactive: false,
    pickable: true,
    version: 4,
    changedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.InvoiceStatusV1]: {
    eventId: uuid(7),
    schemaVersion: 1,
    companyId: 'c1',
    checkoutEventId: uuid(1),
    receiptNumber: '1001',
    status: 'FAILED',
    code: 'NO_BANK_ACCOUNT',
    reason: 'the company has no bank account',
    retryOn: 'BANK_ACCOUNT',
    amount: 65500,
    changedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.DayStatusV1]: {
    eventId: uuid(8),
    schemaVersion: 1,
    companyId: 'c1',
    locationId: 'oslo',
    businessDay: '2026-11-24',
    status: 'UNMAPPED',
    checkouts: 12,
    postedGross: 100,
    voucher: {
      kind: 'ORIGINAL',
      voucherId: 3,
      number: 4,
      year: 2026,
      externalVoucherNumber: 'pos-1',
      sentToLedger: true,
    },
    unmapped: [{ kind: 'PRODUCT_GROUP', id: 'food', takeaway: true, vatRate: 15 }],
    code: 'UNMAPPED',
    reason: 'product group food (takeaway, 15 %) has no account',
    reconciliation: {
      checkouts: 12,
      salesGross: 100,
      expectedCash: 0,
      mismatches: ['count differs'],
    },
    changedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.RecordRejectedV1]: {
    eventId: uuid(9),
    schemaVersion: 1,
    companyId: 'c1',
    rejectedBy: 'sales-export',
    topic: 'pos.checkout.completed.v1',
    partition: 2,
    offset: '1234',
    rejectedEventId: uuid(1),
    locationId: 'oslo',
    receiptNumber: '1001',
    businessDay: '2026-11-24',
    code: 'CONTRACT_VIOLATION',
    message: '1 problem(s)',
    problems: [
      { path: 'lines[0].vatRate', code: 'isIn', message: 'vatRate must be one of 25, 15, 12, 0' },
    ],
    rejectedAt: '2026-11-24T10:00:00Z',
  },
  [Topics.AlertsV1]: {
    eventId: uuid(10),
    schemaVersion: 1,
    companyId: 'c1',
    alertKey: 'day-unmapped:oslo:2026-11-24',
    kind: 'DAY_UNMAPPED',
    state: 'OPEN',
    severity: 'CRITICAL',
    title: 'Day 2026-11-24 at oslo cannot be posted',
    message: 'Map product group food (eat-in, 25 % VAT) to an account.',
    details: {
      locationId: 'oslo',
      businessDay: '2026-11-24',
      checkoutEventId: uuid(1),
      receiptNumber: '1001',
      code: 'SALES_EXPORT.UNMAPPED',
      unmapped: [{ kind: 'PRODUCT_GROUP', id: 'food', takeaway: false, vatRate: 25 }],
    },
    source: 'sales-export',
    occurredAt: '2026-11-24T10:00:00Z',
  },
};

const TOPICS = Object.keys(SAMPLES) as ParseableTopic[];

function expectSameAnswer(topic: ParseableTopic, text: string): void {
  expect(parseEvent(topic, text)).toStrictEqual(parseEventByClassValidator(topic, text));
}

/** Every path to a value in a JSON tree (arrays by index), the root included. */
function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const out = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...path, k]));
  return out;
}

type Edit = 'delete' | 'set' | 'add-key';

/** A copy of `record` with one edit at `path` (as JSON text, so odd keys stay own properties). */
function edited(
  record: Record<string, unknown>,
  path: (string | number)[],
  edit: Edit,
  value: unknown,
  key: string,
): string {
  const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  if (path.length === 0) {
    if (edit === 'add-key') copy[key] = value;
    return JSON.stringify(copy);
  }
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string, unknown>)[step];
  const last = path[path.length - 1];
  const container = parent as Record<string | number, unknown>;
  if (edit === 'delete') {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last];
  } else if (edit === 'set') container[last] = value;
  else {
    const target = container[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[key] = value;
    else container[last] = value;
  }
  // "__proto__" must reach the parser as a key in the text, not as a prototype.
  return JSON.stringify(copy).replace(/"x-proto-key"/g, '"__proto__"');
}

const oddValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1.5,
    0.1234,
    2 ** 53,
    1e308,
    '',
    'x',
    'SALE',
    'REFUND',
    'GIFT_CARD',
    'NOK',
    '2026-02-30T10:00:00+01:00',
    uuid(42),
    [],
    {},
    [1, 2],
    ['a'],
    [{}],
    { customerId: 1 },
    { eventId: uuid(3), receiptNumber: '9' },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const oddKey = fc.oneof(
  fc.constantFrom('x-proto-key', 'constructor', 'prototype', 'x-ext', 'lineType', 'vatRate', 'zz'),
  fc.string({ maxLength: 8 }),
);

/** A valid checkout of many shapes (see parse-event.property.spec.ts for the plain generator). */
const aValidCheckout = fc
  .record({
    lines: fc.array(
      fc.record({
        thousandths: fc.integer({ min: 1, max: 100_000 }),
        unitPriceGross: fc.integer({ min: 0, max: 1_000_000 }),
        discountPart: fc.integer({ min: 0, max: 100 }),
        vatRate: fc.constantFrom(25, 15, 12, 0),
        takeaway: fc.boolean(),
        optional: fc.subarray(['lineType', 'outsideVatLaw', 'discountGross', 'extra'] as const),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    tip: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    rounding: fc.option(fc.integer({ min: -99, max: 99 }), { nil: undefined }),
    registerId: fc.option(fc.constantFrom('k1', 'kasse-2'), { nil: undefined }),
    invoice: fc.boolean(),
  })
  .map((c) => {
    const lines = c.lines.map((l, i) => {
      const quantity = l.thousandths / 1000;
      const gross = grossOf(quantity, l.unitPriceGross);
      const discountGross = l.optional.includes('discountGross')
        ? Math.floor((gross * l.discountPart) / 100)
        : 0;
      const line: Record<string, unknown> = {
        lineId: String(i + 1),
        articleId: `a${i}`,
        description: 'Vare',
        productGroupId: 'food',
        quantity,
        unitPriceGross: l.unitPriceGross,
        totalGross: gross - discountGross,
        vatRate: l.vatRate,
        takeaway: l.takeaway,
      };
      if (l.optional.includes('discountGross')) line.discountGross = discountGross;
      if (l.optional.includes('lineType')) line.lineType = 'ITEM';
      if (l.optional.includes('outsideVatLaw')) line.outsideVatLaw = false;
      if (l.optional.includes('extra')) line.extra = { a: [1, 2] };
      return line;
    });
    const total =
      lines.reduce((s, l) => s + (l.totalGross as number), 0) + (c.tip ?? 0) + (c.rounding ?? 0);
    const checkout: Record<string, unknown> = {
      eventId: uuid(100),
      schemaVersion: 1,
      companyId: 'c1',
      locationId: 'oslo',
      receiptNumber: '7',
      kind: 'SALE',
      completedAt: '2026-11-24T18:42:10.123Z',
      currency: 'NOK',
      lines,
      payments: [
        c.invoice
          ? { paymentMethodId: 'inv', method: 'INVOICE', amount: total }
          : { paymentMethodId: 'card', method: 'CARD', amount: total },
      ],
    };
    if (c.tip !== undefined) checkout.tip = c.tip;
    if (c.rounding !== undefined) checkout.rounding = c.rounding;
    if (c.registerId !== undefined) checkout.registerId = c.registerId;
    if (c.invoice) checkout.invoice = { customerId: 3, reference: 'ref' };
    return checkout;
  })
  .filter((c) => (c.payments as { amount: number }[])[0].amount > 0);

describe('the compiled acceptor agrees with class-validator', () => {
  const checkoutExamples = [
    resolve(__dirname, '../../fixtures/checkout-completed.v1'),
    join(
      process.env.SHARED_DIR ?? resolve(__dirname, '../../../../../shared'),
      'contracts/examples',
    ),
  ].flatMap((dir) =>
    ['valid', 'invalid'].flatMap((kind) =>
      existsSync(join(dir, kind))
        ? readdirSync(join(dir, kind))
            .filter((f) => f.endsWith('.json'))
            .map((f) => join(dir, kind, f))
        : [],
    ),
  );

  it('is compiled for every topic (so the fast path is the one in use)', () => {
    const acceptor = acceptorFor(CheckoutCompletedV1);
    expect(acceptor).toBeDefined();
    const { ...plain } = SAMPLES[Topics.CheckoutCompletedV1];
    delete plain['x-pos'];
    expect(acceptor!(plain)).toBeInstanceOf(CheckoutCompletedV1);
  });

  it.each(checkoutExamples)('on the checkout example %s', (file) => {
    expectSameAnswer(Topics.CheckoutCompletedV1, readFileSync(file, 'utf8'));
  });

  it.each(TOPICS)('on the sample of %s, which it accepts', (topic) => {
    const text = JSON.stringify(SAMPLES[topic]);
    const result = parseEvent(topic, text);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expectSameAnswer(topic, text);
  });

  it.each(TOPICS)('on every one-edit variation of the sample of %s', (topic) => {
    const sample = SAMPLES[topic];
    const paths = pathsOf(sample);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.constantFrom<Edit>('delete', 'set', 'add-key'),
        oddValue,
        oddKey,
        (path, edit, value, key) => {
          expectSameAnswer(topic, edited(sample, path, edit, value, key));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on generated valid checkouts, and on each with one edit', () => {
    fc.assert(
      fc.property(
        aValidCheckout,
        fc.nat(),
        fc.constantFrom<Edit>('delete', 'set', 'add-key'),
        oddValue,
        oddKey,
        (checkout, pick, edit, value, key) => {
          const text = JSON.stringify(checkout);
          expect(parseEvent(Topics.CheckoutCompletedV1, text).ok).toBe(true);
          expectSameAnswer(Topics.CheckoutCompletedV1, text);
          const paths = pathsOf(checkout);
          expectSameAnswer(
            Topics.CheckoutCompletedV1,
            edited(checkout, paths[pick % paths.length], edit, value, key),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each(TOPICS)('on any JSON object on %s', (topic) => {
    fc.assert(
      fc.property(fc.dictionary(oddKey, oddValue), (value) => {
        expectSameAnswer(topic, JSON.stringify(value));
      }),
      { numRuns: 200 },
    );
  });
});
