"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OUTSIDE_VAT_NUMBER = exports.OUTGOING_VAT_NUMBER_BY_RATE = void 0;
/**
 * The outgoing VAT code (Tripletex `number`, not id: ids differ for some codes, FACTS 37) for sales
 * at each Norwegian rate: 25 % high, 15 % food, 12 % low, 0 % zero-rated within the VAT law.
 * Resolve the id per company with `outgoingVatType(number)`.
 */
exports.OUTGOING_VAT_NUMBER_BY_RATE = {
    25: '3',
    15: '31',
    12: '33',
    0: '5',
};
/** Outside the VAT law: what tips (not a sale of goods or services) carry when a code is needed. */
exports.OUTSIDE_VAT_NUMBER = '6';
//# sourceMappingURL=vat.js.map