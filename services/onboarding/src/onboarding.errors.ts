import { HttpStatus } from '@nestjs/common';
import { AppError } from '@pos-tripletex/platform';
import {
  CAPABILITY_ENTITLEMENTS,
  classifyFailure,
  EffectiveEntitlements,
  MissingEntitlement,
  TripletexError,
} from '@pos-tripletex/tripletex';

/** A problem BackOffice shows the operator: which step, which POS item, which account, and why. */
export interface StepProblem {
  step: string;
  /** The POS payment method, product group, event or location concerned, if any. */
  posId?: string;
  accountNumber?: number | null;
  /** The setting (field of the step's request) the problem is about, e.g. `sendToLedger`. */
  field?: string;
  /** The Tripletex right that is missing (`ENTITLEMENT_MISSING`), e.g. `AUTH_ADVANCED_VOUCHER`. */
  entitlement?: string;
  code: string;
  message: string;
}

/** Something the operator should know that does not stop the wizard (an answer's `warnings`). */
export interface Warning {
  code: string;
  message: string;
}

/** Every error code onboarding answers with; stable, machine-readable wire format. */
export const OnboardingErrorCodes = {
  NOT_FOUND: 'ONBOARDING.NOT_FOUND',
  TOKEN_REQUIRED: 'ONBOARDING.TOKEN_REQUIRED',
  TOKEN_INVALID: 'ONBOARDING.TOKEN_INVALID',
  MISSING_ACCESS: 'ONBOARDING.MISSING_ACCESS',
  MISSING_ENTITLEMENT: 'ONBOARDING.MISSING_ENTITLEMENT',
  NO_BANK_ACCOUNT: 'ONBOARDING.NO_BANK_ACCOUNT',
  CONSUMER_TOKEN_REJECTED: 'ONBOARDING.CONSUMER_TOKEN_REJECTED',
  TRIPLETEX_UNAVAILABLE: 'ONBOARDING.TRIPLETEX_UNAVAILABLE',
  TRIPLETEX_REFUSED: 'ONBOARDING.TRIPLETEX_REFUSED',
  START_DATE_IN_FUTURE: 'ONBOARDING.START_DATE_IN_FUTURE',
  INVOICE_METHOD_NEEDS_NO_ACCOUNT: 'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT',
  DUPLICATE: 'ONBOARDING.DUPLICATE',
  INVALID_MAPPING: 'ONBOARDING.INVALID_MAPPING',
  INCOMPLETE: 'ONBOARDING.INCOMPLETE',
  ACCOUNT_EXISTS: 'ONBOARDING.ACCOUNT_EXISTS',
} as const;
export type OnboardingErrorCode = (typeof OnboardingErrorCodes)[keyof typeof OnboardingErrorCodes];

const NO_BANK_ACCOUNT_MESSAGE =
  "Invoices can't be generated until a bank account number is registered in Tripletex (Accounting → Chart of accounts → 1920 Bankinnskudd). Register it and try again.";

function refusal(
  code: OnboardingErrorCode,
  message: string,
  httpStatus: HttpStatus,
  details?: Record<string, unknown>,
): AppError {
  return new AppError(code, message, { httpStatus, details });
}

/** A refusal that lists the problems found, each naming its step, POS item and account. */
function problems(code: OnboardingErrorCode, summary: string, found: StepProblem[]): AppError {
  return refusal(code, summary, HttpStatus.UNPROCESSABLE_ENTITY, { problems: found });
}

/**
 * The one error catalogue of onboarding: each code with its plain-words message, whether trying
 * again can help (only TRIPLETEX_UNAVAILABLE), and the HTTP status BackOffice gets.
 */
export const OnboardingErrors = {
  notFound: (companyId: string) =>
    refusal(
      OnboardingErrorCodes.NOT_FOUND,
      `Company ${companyId} has not started the Tripletex integration.`,
      HttpStatus.NOT_FOUND,
    ),
  tokenRequired: () =>
    refusal(
      OnboardingErrorCodes.TOKEN_REQUIRED,
      'Verify a Tripletex token first (step 1).',
      HttpStatus.CONFLICT,
    ),
  tokenInvalid: () =>
    refusal(
      OnboardingErrorCodes.TOKEN_INVALID,
      'Tripletex did not accept the token. It may be mistyped, deleted or expired: create a new token in Tripletex (Salary → Employees → the employee → More → API access → New token, application OPEN_TWO) and paste it here.',
      HttpStatus.UNPROCESSABLE_ENTITY,
    ),
  missingAccess: (what: string) =>
    refusal(
      OnboardingErrorCodes.MISSING_ACCESS,
      `The employee the token belongs to has no access to ${what} in Tripletex. Give the employee all entitlements, then create a new token.`,
      HttpStatus.UNPROCESSABLE_ENTITY,
    ),
  /** The token lacks a right the chosen settings need: each problem names it and the setting. */
  missingEntitlement: (found: StepProblem[]) =>
    problems(OnboardingErrorCodes.MISSING_ENTITLEMENT, found[0].message, found),
  noBankAccount: () =>
    refusal(
      OnboardingErrorCodes.NO_BANK_ACCOUNT,
      NO_BANK_ACCOUNT_MESSAGE,
      HttpStatus.UNPROCESSABLE_ENTITY,
    ),
  misconfigured: () =>
    refusal(
      OnboardingErrorCodes.CONSUMER_TOKEN_REJECTED,
      'The connection to Tripletex is not set up correctly on our side. We have been notified; please try again later.',
      HttpStatus.SERVICE_UNAVAILABLE,
    ),
  tripletexUnavailable: () =>
    new AppError(
      OnboardingErrorCodes.TRIPLETEX_UNAVAILABLE,
      'Tripletex is not answering right now. Please try again in a minute.',
      { retriable: true, httpStatus: HttpStatus.SERVICE_UNAVAILABLE },
    ),
  tripletexRefused: (said: string) =>
    refusal(
      OnboardingErrorCodes.TRIPLETEX_REFUSED,
      `Tripletex refused: ${said}`,
      HttpStatus.UNPROCESSABLE_ENTITY,
    ),
  startDateInFuture: (today: string) =>
    refusal(
      OnboardingErrorCodes.START_DATE_IN_FUTURE,
      `The start date cannot be after today (${today}).`,
      HttpStatus.BAD_REQUEST,
    ),
  invoiceMethodNeedsNoAccount: (found: StepProblem[]) =>
    problems(
      OnboardingErrorCodes.INVOICE_METHOD_NEEDS_NO_ACCOUNT,
      'The Invoice payment method needs no account: Tripletex books invoiced sales on the invoice itself.',
      found,
    ),
  duplicate: (posId: string, found: StepProblem[]) =>
    problems(
      OnboardingErrorCodes.DUPLICATE,
      `Each POS item may be mapped once; ${posId} appears more than once.`,
      found,
    ),
  /** A change to a live integration that no longer passes the checks against Tripletex. */
  invalidMapping: (found: StepProblem[]) =>
    problems(OnboardingErrorCodes.INVALID_MAPPING, found[0].message, found),
  incomplete: (found: StepProblem[]) =>
    problems(
      OnboardingErrorCodes.INCOMPLETE,
      `The integration cannot be activated yet: ${found[0].message}`,
      found,
    ),
  accountExists: (number: number, account: unknown) =>
    refusal(
      OnboardingErrorCodes.ACCOUNT_EXISTS,
      `Account ${number} already exists in Tripletex: choose it instead.`,
      HttpStatus.CONFLICT,
      { account },
    ),
};

/** The warnings an answer may carry (codes are wire format too). */
export const OnboardingWarnings = {
  noBankAccount: (): Warning => ({ code: 'NO_BANK_ACCOUNT', message: NO_BANK_ACCOUNT_MESSAGE }),
  otherTripletexCompany: (companyName: string): Warning => ({
    code: 'OTHER_TRIPLETEX_COMPANY',
    message: `This token belongs to ${companyName}, not the Tripletex company set up before: choose the accounts again.`,
  }),
  invoicingTurnedOff: (): Warning => ({
    code: 'INVOICING_TURNED_OFF',
    message: 'Invoicing was turned off: ' + NO_BANK_ACCOUNT_MESSAGE,
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

/** Where each capability's setting is chosen (the step and field a refusal points at). */
const CAPABILITY_SETTING: Record<
  MissingEntitlement['capability'],
  { step: string; field: string; instead: string }
> = {
  CUSTOMERS: { step: 'token', field: 'employeeToken', instead: '' },
  POST_VOUCHERS_TO_LEDGER: {
    step: 'start-date',
    field: 'sendToLedger',
    instead: ', or leave the daily vouchers for a bookkeeper to approve (sendToLedger: false)',
  },
  INVOICING: { step: 'invoicing', field: 'enabled', instead: ', or turn invoicing off' },
};

/**
 * A problem per missing right, in plain words: which right (Tripletex's name for it and its
 * entitlement name), whose entitlements lack it (the token's employee, or the employee logged in
 * through it in a proxy login), what the product needs it for, and which setting asks for it.
 */
export function entitlementProblems(
  missing: MissingEntitlement[],
  rights: EffectiveEntitlements,
): StepProblem[] {
  return missing.map((m) => {
    const setting = CAPABILITY_SETTING[m.capability];
    const proxy = `the employee logged in with the token (proxy login, employee ${rights.actualEmployeeId})`;
    const who =
      m.lackedBy.length === 2
        ? `Neither the employee the token belongs to nor ${proxy} has`
        : m.lackedBy[0] === 'actual-employee'
          ? `${proxy[0].toUpperCase()}${proxy.slice(1)} lacks`
          : 'The employee the token belongs to lacks';
    return {
      step: setting.step,
      field: setting.field,
      entitlement: m.entitlement,
      code: 'ENTITLEMENT_MISSING',
      message: `${who} the Tripletex right "${m.label}" (${m.entitlement}), needed to ${CAPABILITY_ENTITLEMENTS[m.capability].what}. Grant it to the employee in Tripletex and try again${setting.instead}.`,
    };
  });
}

/** The part of Tripletex the token check reads to know the token's effective rights. */
export const ENTITLEMENTS = "the employees' entitlements";

/** The part of Tripletex the wizard's and the look-ups' calls read. */
export const CHART_OF_ACCOUNTS = 'the chart of accounts';

/** The part of Tripletex the locations step and its look-ups read (POS location → department). */
export const DEPARTMENTS = 'the departments';
