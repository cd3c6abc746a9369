import { parseEvent, Topics } from '@pos-tripletex/contracts';
import { aCheckout } from './checkout.builder';

describe(aCheckout.name, () => {
  it('builds checkouts the contract accepts', () => {
    const sale = aCheckout({
      companyId: 'c1',
      lines: [
        { unitPriceGross: 24900, quantity: 2, discountGross: 1000 },
        { unitPriceGross: 29900, quantity: 0.375, vatRate: 15 },
      ],
      tip: 500,
      invoice: { customerId: 7, reference: 'PO-1' },
    });
    expect(parseEvent(Topics.CheckoutCompletedV1, JSON.stringify(sale))).toMatchObject({
      ok: true,
    });
    const refund = aCheckout({
      companyId: 'c1',
      kind: 'REFUND',
      lines: [{ unitPriceGross: 1000 }],
      method: 'VIPPS',
    });
    expect(parseEvent(Topics.CheckoutCompletedV1, JSON.stringify(refund))).toMatchObject({
      ok: true,
    });
  });
});
