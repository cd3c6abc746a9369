/**
 * The outgoing VAT code (Tripletex `number`, not id: ids differ for some codes, FACTS 37) for sales
 * at each Norwegian rate: 25 % high, 15 % food, 12 % low, 0 % zero-rated within the VAT law.
 * Resolve the id per company with `outgoingVatType(number)`.
 */
export const OUTGOING_VAT_NUMBER_BY_RATE: Readonly<Record<number, string>> = {
  25: '3',
  15: '31',
  12: '33',
  0: '5',
};

/** Outside the VAT law: what tips (not a sale of goods or services) carry when a code is needed. */
export const OUTSIDE_VAT_NUMBER = '6';

/**
 * The outgoing VAT code (number) of a sale: by its rate, and at 0 % zero-rated within the VAT law
 * (code 5) unless the sale is outside the VAT law (code 6). The two are reported differently in
 * the VAT return.
 */
export function outgoingVatNumber(rate: number, outsideVatLaw = false): string | undefined {
  if (rate === 0 && outsideVatLaw) return OUTSIDE_VAT_NUMBER;
  return OUTGOING_VAT_NUMBER_BY_RATE[rate];
}
