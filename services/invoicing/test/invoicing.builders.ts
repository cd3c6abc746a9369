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
