import { AppError } from '@pos-tripletex/platform';
import { CustomerSyncErrors } from './customer-sync.errors';

describe('CustomerSyncErrors', () => {
  const all: AppError[] = Object.values(CustomerSyncErrors).map((make) =>
    (make as (arg: never) => AppError)('x' as never),
  );

  it('gives every error a distinct CUSTOMER_SYNC code', () => {
    const codes = all.map((error) => error.code);
    expect(codes.every((code) => /^CUSTOMER_SYNC\.[A-Z_]+$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('answers BackOffice and Tripletex with the documented HTTP statuses', () => {
    expect(
      Object.fromEntries(all.map((error) => [error.code, [error.httpStatus, error.retriable]])),
    ).toEqual({
      'CUSTOMER_SYNC.NOT_ACTIVE': [409, false],
      'CUSTOMER_SYNC.UNKNOWN': [404, false],
      'CUSTOMER_SYNC.NOT_FOUND': [404, false],
      'CUSTOMER_SYNC.WEBHOOK_REFUSED': [401, false],
      'CUSTOMER_SYNC.WEBHOOK_INVALID': [400, false],
      // 503 makes Tripletex deliver the webhook again.
      'CUSTOMER_SYNC.TRIPLETEX_UNAVAILABLE': [503, true],
      'CUSTOMER_SYNC.NO_TOKEN': [503, true],
      'CUSTOMER_SYNC.SUPERSEDED': [409, false],
    });
  });

  it('names the customer and the company it is about', () => {
    expect(CustomerSyncErrors.customerNotFound(42).message).toBe('Customer 42 is not known.');
    expect(CustomerSyncErrors.noToken('co_1').message).toBe('no Tripletex token for co_1');
  });
});
