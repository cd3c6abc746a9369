import { AppError } from '@pos-tripletex/platform';
import {
  capabilitiesFor,
  effectiveEntitlements,
  kindOfStatus,
  missingEntitlements,
  TripletexError,
  ValidationMessage,
} from '@pos-tripletex/tripletex';
import {
  entitlementProblems,
  explainTripletexFailure,
  OnboardingErrorCodes,
  OnboardingErrors,
  StepProblem,
} from './onboarding.errors';

function answered(status: number, validationMessages: ValidationMessage[] = []): TripletexError {
  return new TripletexError(kindOfStatus(status), `Tripletex answered ${status}`, {
    status,
    validationMessages,
    method: 'GET',
    path: '/ledger/account',
  });
}

const problem: StepProblem = { step: 'invoicing', code: 'X', message: 'the first problem' };

/** One example of every error the catalogue makes. */
const every: AppError[] = [
  OnboardingErrors.notFound('co_1'),
  OnboardingErrors.tokenRequired(),
  OnboardingErrors.tokenInvalid(),
  OnboardingErrors.missingAccess('the chart of accounts'),
  OnboardingErrors.missingEntitlement([problem]),
  OnboardingErrors.noBankAccount(),
  OnboardingErrors.misconfigured(),
  OnboardingErrors.tripletexUnavailable(),
  OnboardingErrors.tripletexRefused('no'),
  OnboardingErrors.startDateInFuture('2026-11-01'),
  OnboardingErrors.invoiceMethodNeedsNoAccount([problem]),
  OnboardingErrors.duplicate('food', [problem]),
  OnboardingErrors.invalidMapping([problem]),
  OnboardingErrors.incomplete([problem]),
  OnboardingErrors.accountExists(1921, { number: 1921 }),
];

describe('OnboardingErrors', () => {
  it('has one factory for every code, and no code outside the catalogue', () => {
    expect(every.map((error) => error.code).sort()).toEqual(
      Object.values(OnboardingErrorCodes).sort(),
    );
  });

  it('answers each code with its HTTP status; only an unavailable Tripletex is worth retrying', () => {
    expect(Object.fromEntries(every.map((error) => [error.code, error.httpStatus]))).toEqual({
      'ONBOARDING.NOT_FOUND': 404,
      'ONBOARDING.TOKEN_REQUIRED': 409,
      'ONBOARDING.TOKEN_INVALID': 422,
      'ONBOARDING.MISSING_ACCESS': 422,
      'ONBOARDING.MISSING_ENTITLEMENT': 422,
      'ONBOARDING.NO_BANK_ACCOUNT': 422,
      'ONBOARDING.CONSUMER_TOKEN_REJECTED': 503,
      'ONBOARDING.TRIPLETEX_UNAVAILABLE': 503,
      'ONBOARDING.TRIPLETEX_REFUSED': 422,
      'ONBOARDING.START_DATE_IN_FUTURE': 400,
      'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT': 422,
      'ONBOARDING.DUPLICATE': 422,
      'ONBOARDING.INVALID_MAPPING': 422,
      'ONBOARDING.INCOMPLETE': 422,
      'ONBOARDING.ACCOUNT_EXISTS': 409,
    });
    expect(every.filter((error) => error.retriable).map((error) => error.code)).toEqual([
      'ONBOARDING.TRIPLETEX_UNAVAILABLE',
    ]);
  });

  it('lists the problems of a refused step and leads with the first', () => {
    expect(OnboardingErrors.incomplete([problem])).toMatchObject({
      message: 'The integration cannot be activated yet: the first problem',
      details: { problems: [problem] },
    });
    expect(OnboardingErrors.invalidMapping([problem]).message).toBe('the first problem');
  });
});

describe(entitlementProblems.name, () => {
  const settings = capabilitiesFor({ sendToLedger: true, invoicing: true });

  it('names the missing right, its setting and the token’s employee', () => {
    const rights = effectiveEntitlements(7, ['AUTH_CUSTOMER_INFO', 'AUTH_INVOICING']);
    expect(entitlementProblems(missingEntitlements(rights, settings), rights)).toEqual([
      {
        step: 'start-date',
        field: 'sendToLedger',
        entitlement: 'AUTH_ADVANCED_VOUCHER',
        code: 'ENTITLEMENT_MISSING',
        message:
          'The employee the token belongs to lacks the Tripletex right "Advanced Voucher" (AUTH_ADVANCED_VOUCHER), needed to post the daily vouchers straight into the ledger (sendToLedger). Grant it to the employee in Tripletex and try again, or leave the daily vouchers for a bookkeeper to approve (sendToLedger: false).',
      },
    ]);
  });

  it('says when it is the proxy login’s actual employee who lacks it, or both', () => {
    const rights = effectiveEntitlements(7, ['AUTH_CUSTOMER_INFO', 'AUTH_INVOICING'], {
      employeeId: 8,
      names: ['AUTH_CUSTOMER_INFO'],
    });
    const found = entitlementProblems(missingEntitlements(rights, settings), rights);
    expect(
      found.map((p) => [p.entitlement, p.step, p.message.split(' the Tripletex right')[0]]),
    ).toEqual([
      [
        'AUTH_ADVANCED_VOUCHER',
        'start-date',
        'Neither the employee the token belongs to nor the employee logged in with the token (proxy login, employee 8) has',
      ],
      [
        'AUTH_INVOICING',
        'invoicing',
        'The employee logged in with the token (proxy login, employee 8) lacks',
      ],
    ]);
  });
});

describe(explainTripletexFailure.name, () => {
  it('tells the operator the token was not accepted when Tripletex refuses it', () => {
    expect(explainTripletexFailure(answered(401), 'the API').code).toBe(
      OnboardingErrorCodes.TOKEN_INVALID,
    );
  });

  it('names what the employee lacks access to on a 403', () => {
    const error = explainTripletexFailure(answered(403), 'the chart of accounts');
    expect(error.code).toBe(OnboardingErrorCodes.MISSING_ACCESS);
    expect(error.message).toContain('no access to the chart of accounts');
  });

  it('asks to try again later when Tripletex is away, and blames us for a refused consumer token', () => {
    expect(explainTripletexFailure(answered(503), 'the API')).toMatchObject({
      code: OnboardingErrorCodes.TRIPLETEX_UNAVAILABLE,
      retriable: true,
    });
    expect(
      explainTripletexFailure(
        answered(422, [{ field: 'arg:consumerToken', message: 'Invalid consumer token' }]),
        'the API',
      ).code,
    ).toBe(OnboardingErrorCodes.CONSUMER_TOKEN_REJECTED);
  });

  it('passes on what Tripletex said when it refuses otherwise', () => {
    const error = explainTripletexFailure(
      answered(422, [{ field: 'number', message: 'Nummeret er i bruk' }]),
      'the chart of accounts',
    );
    expect(error).toMatchObject({
      code: OnboardingErrorCodes.TRIPLETEX_REFUSED,
      message: 'Tripletex refused: Nummeret er i bruk',
    });
  });

  it('lets our own errors through unchanged', () => {
    const own = OnboardingErrors.tokenRequired();
    expect(explainTripletexFailure(own, 'the API')).toBe(own);
  });
});
