import { HttpStatus } from '@nestjs/common';
import type { UnmappedItemV1 } from '@pos-tripletex/contracts';
import { AppError } from '@pos-tripletex/platform';
import { describeUnmapped } from './vouchers/voucher-builder';

/**
 * Every error sales-export names, in one place: the stable code (in HTTP answers, in the day's
 * `failureCode` and in sales-export.day-status.v1 `code`), the words a BackOffice operator reads,
 * whether trying again can help, and the HTTP status. HTTP handlers throw them; a day's export
 * records them as its outcome (`failureOf`).
 */
export const SalesExportErrors = {
  /** HTTP: the day is not known. */
  dayNotFound: (locationId: string, businessDay: string) =>
    new AppError(
      'SALES_EXPORT.NOT_FOUND',
      `No sales are known for location ${locationId} on ${businessDay} in this company.`,
      { retriable: false, httpStatus: HttpStatus.NOT_FOUND },
    ),
  /** HTTP: a preview needs the company's Tripletex token. */
  notConnected: () =>
    new AppError(
      'SALES_EXPORT.NOT_CONNECTED',
      'The company is not connected to Tripletex, so no voucher can be previewed.',
      { retriable: false, httpStatus: HttpStatus.CONFLICT },
    ),
  /** HTTP: today's open day cannot be re-exported. */
  dayOpen: () =>
    new AppError('SALES_EXPORT.DAY_OPEN', 'The day is still open; it is exported when it closes.', {
      retriable: false,
      httpStatus: HttpStatus.CONFLICT,
    }),
  /** The settings carry no usable Tripletex token (a day FAILED with it; a preview answers 422). */
  noToken: () =>
    new AppError('SALES_EXPORT.NO_TOKEN', 'no Tripletex token in the integration settings', {
      retriable: false,
      httpStatus: HttpStatus.UNPROCESSABLE_ENTITY,
    }),
  /** A day stopped as UNMAPPED: something with an amount has no account. */
  unmapped: (items: UnmappedItemV1[]) =>
    new AppError(
      'SALES_EXPORT.UNMAPPED',
      `Not mapped yet: ${describeUnmapped(items)}. Map it in the Tripletex integration settings and the day is exported.`,
      {
        retriable: false,
        httpStatus: HttpStatus.UNPROCESSABLE_ENTITY,
        details: { unmapped: items },
      },
    ),
  /** A day FAILED: the voucher would not be accepted or would not balance. */
  invalidVoucher: (problems: string[]) =>
    new AppError(
      'SALES_EXPORT.INVALID_VOUCHER',
      `The voucher cannot be made: ${problems.join('; ')}`,
      { retriable: false, httpStatus: HttpStatus.UNPROCESSABLE_ENTITY },
    ),
  /** A day FAILED: Tripletex refused access (403). */
  missingAccess: (tripletexSaid: string) =>
    new AppError(
      'SALES_EXPORT.MISSING_ACCESS',
      `Tripletex refused access (the employee behind the token needs voucher access): ${tripletexSaid}`,
      { retriable: false, httpStatus: HttpStatus.UNPROCESSABLE_ENTITY },
    ),
  /** A day FAILED: Tripletex refused the voucher, in its own words. */
  tripletexRejected: (tripletexSaid: string) =>
    new AppError('SALES_EXPORT.TRIPLETEX_REJECTED', `Tripletex: ${tripletexSaid}`, {
      retriable: false,
      httpStatus: HttpStatus.UNPROCESSABLE_ENTITY,
    }),
};

/** An error as a day's recorded failure (its code and reason). */
export const failureOf = (error: AppError): { code: string; reason: string } => ({
  code: error.code,
  reason: error.message,
});
