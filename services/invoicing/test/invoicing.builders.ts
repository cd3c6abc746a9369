// Test data shared by the flow suites and the medium specs.
import { aCheckout } from '@pos-tripletex/testing';

/** Invoicing's part of a company's integration settings (sent to the customer: only when asked). */
export function invoicingSettings(
  options: { collective?: boolean; invoicing?: boolean; sendToCustomer?: boolean } = {},
) {
  return {
    enabled: options.invoicing ?? true,
    sendToCustomer: options.sendToCustomer ?? false,
    collective: { enabled: options.collective ?? false, cadence: 'ON_DEMAND' },
  };
}

/** The accounts the invoicing tests map (their ids: TestSandbox.accountIds). */
export const MAPPED_ACCOUNTS = [2910, 3000, 3001, 3002, 3200];

/**
 * The account mappings as onboarding writes them, for what the invoicing tests sell: food eat-in
 * at 25 % on 3000, at 12 % on 3002 and at 0 % on 3200, takeaway at 15 % on 3001, tips on 2910.
 */
export function invoicingMappings(ids: Record<number, number>) {
  const account = (number: number) => ({ accountId: ids[number], accountNumber: number });
  return {
    paymentMethods: [],
    productGroups: [
      { productGroupId: 'food', takeaway: false, vatRate: 25, ...account(3000) },
      { productGroupId: 'food', takeaway: false, vatRate: 12, ...account(3002) },
      { productGroupId: 'food', takeaway: false, vatRate: 0, ...account(3200) },
      { productGroupId: 'food', takeaway: true, vatRate: 15, ...account(3001) },
    ],
    otherEvents: [{ event: 'TIPS', ...account(2910) }],
  };
}

/**
 * A Christmas lunch charged by invoice: a discounted line, lines at 15 % and 12 % VAT, a tip (the
 * fourth rate, outside VAT), a reference and a comment; completed before the 04:00 cut-off, so its
 * business day is 24 November.
 */
export function aChristmasLunch(companyId: string, customerId: number): Record<string, unknown> {
  return aCheckout({
    companyId,
    completedAt: '2026-11-25T01:30:00+01:00',
    lines: [
      { description: 'Lunsjbuffet', quantity: 12, unitPriceGross: 24900, discountGross: 2500 },
      { description: 'Reker', quantity: 0.375, unitPriceGross: 29900, vatRate: 15, takeaway: true },
      { description: 'Buss', quantity: 1, unitPriceGross: 4200, vatRate: 12 },
    ],
    tip: 1000,
    invoice: { customerId, reference: 'PO-4711', comment: 'Julelunsj avdeling nord' },
  });
}
