import { HttpStatus } from '@nestjs/common';
import { AppError } from '@pos-tripletex/platform';
import { classifyFailure, TripletexError } from '@pos-tripletex/tripletex';

/** A problem BackOffice shows the operator: which step, which POS item, which account, and why. */
export interface StepProblem {
  step: string;
  /** The POS payment method, product group or event concerned, if any. */
  posId?: string;
  accountNumber?: number | null;
  code: string;
  message: string;
}

export const OnboardingErrors = {
  notFound: (companyId: string) =>
    new AppError(
      'ONBOARDING.NOT_FOUND',
      `Company ${companyId} has not started the Tripletex integration.`,
      {
        httpStatus: HttpStatus.NOT_FOUND,
      },
    ),
  tokenRequired: () =>
    new AppError('ONBOARDING.TOKEN_REQUIRED', 'Verify a Tripletex token first (step 1).', {
      httpStatus: HttpStatus.CONFLICT,
    }),
  tokenInvalid: () =>
    new AppError(
      'ONBOARDING.TOKEN_INVALID',
      'Tripletex did not accept the token. It may be mistyped, deleted or expired: create a new token in Tripletex (Salary → Employees → the employee → More → API access → New token, application OPEN_TWO) and paste it here.',
      { httpStatus: HttpStatus.UNPROCESSABLE_ENTITY },
    ),
  missingAccess: (what: string) =>
    new AppError(
      'ONBOARDING.MISSING_ACCESS',
      `The employee the token belongs to has no access to ${what} in Tripletex. Give the employee all entitlements, then create a new token.`,
      { httpStatus: HttpStatus.UNPROCESSABLE_ENTITY },
    ),
  noBankAccount: () =>
    new AppError(
      'ONBOARDING.NO_BANK_ACCOUNT',
      "Invoices can't be generated until a bank account number is registered in Tripletex (Accounting → Chart of accounts → 1920 Bankinnskudd). Register it and try again.",
      { httpStatus: HttpStatus.UNPROCESSABLE_ENTITY },
    ),
  misconfigured: () =>
    new AppError(
      'ONBOARDING.CONSUMER_TOKEN_REJECTED',
      'The connection to Tripletex is not set up correctly on our side. We have been notified; please try again later.',
      { httpStatus: HttpStatus.SERVICE_UNAVAILABLE },
    ),
  tripletexUnavailable: () =>
    new AppError(
      'ONBOARDING.TRIPLETEX_UNAVAILABLE',
      'Tripletex is not answering right now. Please try again in a minute.',
      {
        retriable: true,
        httpStatus: HttpStatus.SERVICE_UNAVAILABLE,
      },
    ),
  tripletexRefused: (said: string) =>
    new AppError('ONBOARDING.TRIPLETEX_REFUSED', `Tripletex refused: ${said}`, {
      httpStatus: HttpStatus.UNPROCESSABLE_ENTITY,
    }),
  startDateInFuture: (today: string) =>
    new AppError(
      'ONBOARDING.START_DATE_IN_FUTURE',
      `The start date cannot be after today (${today}).`,
      {
        httpStatus: HttpStatus.BAD_REQUEST,
      },
    ),
  problems: (code: string, summary: string, problems: StepProblem[]) =>
    new AppError(code, summary, {
      httpStatus: HttpStatus.UNPROCESSABLE_ENTITY,
      details: { problems },
    }),
};

/**
 * What a failed Tripletex call means to the operator, by libs/tripletex's one classification:
 * `what` names the part of Tripletex the employee needs access to ("the chart of accounts").
 * Our own errors pass through unchanged.
 */
export function explainTripletexFailure(error: unknown, what: string): AppError {
  if (error instanceof AppError && !(error instanceof TripletexError)) return error;
  const failure = classifyFailure(error);
  switch (failure.kind) {
    case 'token-rejected':
      return OnboardingErrors.tokenInvalid();
    case 'retry':
      return failure.misconfigured
        ? OnboardingErrors.misconfigured()
        : OnboardingErrors.tripletexUnavailable();
    case 'final':
      return failure.refusal === 'forbidden'
        ? OnboardingErrors.missingAccess(what)
        : OnboardingErrors.tripletexRefused(failure.message);
  }
}
