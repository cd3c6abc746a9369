import { AppError } from '@pos-tripletex/platform';
import { failureOf, SalesExportErrors } from './sales-export.errors';

// One of each (a new factory must be added here, or the count below fails).
const every = [
  SalesExportErrors.dayNotFound('oslo-sentrum', '2026-11-24'),
  SalesExportErrors.notConnected(),
  SalesExportErrors.dayOpen(),
  SalesExportErrors.noToken(),
  SalesExportErrors.unmapped([{ kind: 'PAYMENT_METHOD', id: 'vipps' }]),
  SalesExportErrors.invalidVoucher(['nothing to post']),
  SalesExportErrors.missingAccess('Forbidden'),
  SalesExportErrors.tripletexRejected('Konto 3000 er sperret'),
];

describe('SalesExportErrors', () => {
  it('names each error once, under SALES_EXPORT., with an HTTP status and whether to retry', () => {
    expect(every).toHaveLength(Object.keys(SalesExportErrors).length);
    const codes = every.map((error) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const error of every) {
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toMatch(/^SALES_EXPORT\.[A-Z_]+$/);
      expect(error.httpStatus).toEqual(expect.any(Number));
      expect(error.retriable).toBe(false);
    }
  });

  it('records an error as a day’s failure with its code and its words', () => {
    expect(failureOf(SalesExportErrors.invalidVoucher(['nothing to post']))).toEqual({
      code: 'SALES_EXPORT.INVALID_VOUCHER',
      reason: 'The voucher cannot be made: nothing to post',
    });
    expect(
      failureOf(SalesExportErrors.unmapped([{ kind: 'PAYMENT_METHOD', id: 'vipps' }])).reason,
    ).toBe(
      'Not mapped yet: payment method vipps. Map it in the Tripletex integration settings and the day is exported.',
    );
  });
});
