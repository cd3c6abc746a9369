/**
 * The outgoing VAT code (Tripletex `number`, not id: ids differ for some codes, FACTS 37) for sales
 * at each Norwegian rate: 25 % high, 15 % food, 12 % low, 0 % zero-rated within the VAT law.
 * Resolve the id per company with `outgoingVatType(number)`.
 */
export declare const OUTGOING_VAT_NUMBER_BY_RATE: Readonly<Record<number, string>>;
/** Outside the VAT law: what tips (not a sale of goods or services) carry when a code is needed. */
export declare const OUTSIDE_VAT_NUMBER = "6";
