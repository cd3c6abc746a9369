import { randomUUID } from 'node:crypto';
import type { CheckoutCompletedV1, IntegrationConfigV1 } from '@pos-tripletex/contracts';
import {
  deliveryOf,
  dueDateByTerms,
  markerOf,
  orderFor,
  productKeyOf,
  TIPS_PRODUCT,
  vatCodesOf,
} from './invoice-builder';

const checkout = (over: Partial<CheckoutCompletedV1> = {}): CheckoutCompletedV1 => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  companyId: 'c1',
  locationId: 'l1',
  receiptNumber: '10001',
  kind: 'SALE',
  completedAt: '2026-11-24T12:00:00+01:00',
  currency: 'NOK',
  lines: [
    {
      lineId: '1',
      articleId: 'a',
      description: 'Lunsj',
      productGroupId: 'food',
      quantity: 2,
      unitPriceGross: 24900,
      discountGross: 1000,
      totalGross: 48800,
      vatRate: 25,
      takeaway: false,
    },
    {
      lineId: '2',
      articleId: 'b',
      description: 'Reker',
      productGroupId: 'fish',
      quantity: 0.375,
      unitPriceGross: 29900,
      discountGross: 0,
      totalGross: 11213,
      vatRate: 15,
      takeaway: true,
    },
  ],
  payments: [{ paymentMethodId: 'inv', method: 'INVOICE', amount: 60513 }],
  tip: 500,
  rounding: 0,
  invoice: { customerId: 7, reference: 'PO-1', comment: 'Julelunsj' },
  ...over,
});

describe(orderFor.name, () => {
  const ids = new Map([
    ['3', 3],
    ['31', 31],
    ['5', 5],
    ['6', 6],
  ]);

  it('books a 0 % line zero-rated (code 5) unless it is outside the VAT law (code 6), and carries the location\u2019s department', () => {
    const zero = (lineId: string, outsideVatLaw: boolean) => ({
      lineId,
      articleId: lineId,
      description: outsideVatLaw ? 'Pant' : 'Avis',
      productGroupId: 'misc',
      quantity: 1,
      unitPriceGross: 4000,
      discountGross: 0,
      totalGross: 4000,
      vatRate: 0 as const,
      takeaway: false,
      outsideVatLaw,
    });
    const c = checkout({ lines: [zero('1', false), zero('2', true)], tip: 0 });
    expect(vatCodesOf(c).sort()).toEqual(['5', '6']);
    const order = orderFor(c, 7, '2026-11-24', ids, 71);
    expect(order.department).toEqual({ id: 71 });
    expect(order.orderLines?.map((line) => [line.description, line.vatType?.id])).toEqual([
      ['Avis', 5],
      ['Pant', 6],
    ]);
    expect(orderFor(c, 7, '2026-11-24', ids).department).toBeUndefined();
  });

  it('prices lines VAT-inclusive, with count, the discount as its own line and the tip outside VAT', () => {
    const c = checkout();
    const order = orderFor(c, 7, '2026-11-24', ids);
    expect(order).toMatchObject({
      customer: { id: 7 },
      orderDate: '2026-11-24',
      deliveryDate: '2026-11-24',
      isPrioritizeAmountsIncludingVat: true,
      reference: 'PO-1',
    });
    expect(order.invoiceComment).toBe(`Julelunsj\n${markerOf(c)}`);
    // What the customer sees names the receipt, never an internal id.
    expect(markerOf(c)).toBe('POS-kvittering 10001 (l1)');
    expect(order.invoiceComment).not.toContain(c.eventId);
    expect(order.orderLines).toEqual([
      { description: 'Lunsj', count: 2, unitPriceIncludingVatCurrency: 249, vatType: { id: 3 } },
      {
        description: 'Rabatt: Lunsj',
        count: 1,
        unitPriceIncludingVatCurrency: -10,
        vatType: { id: 3 },
      },
      {
        description: 'Reker',
        count: 0.375,
        unitPriceIncludingVatCurrency: 299,
        vatType: { id: 31 },
      },
      { description: 'Tips', count: 1, unitPriceIncludingVatCurrency: 5, vatType: { id: 6 } },
    ]);
  });

  it('needs the VAT codes of its rates (and 6 for a tip)', () => {
    expect(vatCodesOf(checkout()).sort()).toEqual(['3', '31', '6']);
    expect(vatCodesOf(checkout({ tip: 0 })).sort()).toEqual(['3', '31']);
    expect(() => orderFor(checkout(), 7, '2026-11-24', new Map())).toThrow(
      'VAT code 3 is not resolved',
    );
  });
});

describe('products on the lines', () => {
  it('books each line (and its discount) on the product of its group, eat-in/takeaway and code, the tip on the tips product', () => {
    const products = new Map([
      ['food-E-3', 501],
      ['fish-T-31', 502],
      [TIPS_PRODUCT, 509],
    ]);
    const order = orderFor(
      checkout(),
      7,
      '2026-11-24',
      new Map([
        ['3', 3],
        ['31', 31],
        ['6', 6],
      ]),
      undefined,
      products,
    );
    expect(order.orderLines?.map((line) => [line.description, line.product?.id])).toEqual([
      ['Lunsj', 501],
      ['Rabatt: Lunsj', 501],
      ['Reker', 502],
      ['Tips', 509],
    ]);
  });

  it('keys a line by group, eat-in (E) or takeaway (T) and VAT code (5 and 6 apart at 0 %)', () => {
    const line = checkout().lines[0];
    expect(productKeyOf(line)).toBe('food-E-3');
    expect(productKeyOf({ ...line, takeaway: true, vatRate: 0 })).toBe('food-T-5');
    expect(productKeyOf({ ...line, vatRate: 0, outsideVatLaw: true })).toBe('food-E-6');
  });
});

describe(deliveryOf.name, () => {
  const config = (invoicing: Partial<IntegrationConfigV1['invoicing']>) =>
    ({
      invoicing: { enabled: true, sendToCustomer: true, collective: {}, ...invoicing },
    }) as unknown as IntegrationConfigV1;

  it('sends nothing unless the company sends invoices, whatever the POS asks', () => {
    const asked = checkout({ invoice: { customerId: 7, sendType: 'EHF' } });
    expect(deliveryOf(asked, config({ sendToCustomer: false }))).toEqual({ sendToCustomer: false });
  });

  it('takes the checkout’s send type, else the company’s, else leaves it to the customer’s', () => {
    const asked = checkout({ invoice: { customerId: 7, sendType: 'PAPER' } });
    const plain = checkout({ invoice: { customerId: 7 } });
    expect(deliveryOf(asked, config({ sendType: 'EMAIL' }))).toEqual({
      sendToCustomer: true,
      sendType: 'PAPER',
    });
    expect(deliveryOf(plain, config({ sendType: 'EMAIL' }))).toEqual({
      sendToCustomer: true,
      sendType: 'EMAIL',
    });
    expect(deliveryOf(plain, config({}))).toEqual({ sendToCustomer: true });
  });
});

describe(dueDateByTerms.name, () => {
  it('adds the customer’s days or months to the invoice date', () => {
    expect(dueDateByTerms('2026-11-24', { invoicesDueIn: 10, invoicesDueInType: 'DAYS' })).toBe(
      '2026-12-04',
    );
    expect(dueDateByTerms('2026-12-28', { invoicesDueIn: 14, invoicesDueInType: 'DAYS' })).toBe(
      '2027-01-11',
    );
    expect(dueDateByTerms('2026-01-31', { invoicesDueIn: 1, invoicesDueInType: 'MONTHS' })).toBe(
      '2026-02-28',
    );
  });

  it('leaves the date to Tripletex for a fixed day of the month or a customer without terms', () => {
    expect(
      dueDateByTerms('2026-11-24', {
        invoicesDueIn: 20,
        invoicesDueInType: 'RECURRING_DAY_OF_MONTH',
      }),
    ).toBeUndefined();
    expect(
      dueDateByTerms('2026-11-24', { invoicesDueIn: 0, invoicesDueInType: 'DAYS' }),
    ).toBeUndefined();
    expect(dueDateByTerms('2026-11-24', {})).toBeUndefined();
  });
});
