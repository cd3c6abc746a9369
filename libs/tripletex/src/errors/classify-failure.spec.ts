import { AppError } from '@pos-tripletex/platform';
import {
  classifyFailure,
  isTokenRejected,
  TOKEN_REJECTED_RETRY_MS,
  TripletexFailure,
} from './classify-failure';
import { kindOfStatus, TripletexError, ValidationMessage } from './tripletex-errors';

function answered(
  status: number,
  validationMessages: ValidationMessage[] = [],
  extra: { retryAfterMs?: number; outcomeUnknown?: boolean } = {},
): TripletexError {
  return new TripletexError(kindOfStatus(status), `Tripletex answered ${status}`, {
    status,
    validationMessages,
    method: 'POST',
    path: '/ledger/voucher',
    requestId: 'req-1',
    ...extra,
  });
}

describe(classifyFailure.name, () => {
  it('retries rate limits and outages after the wait Tripletex asked for', () => {
    expect(classifyFailure(answered(429, [], { retryAfterMs: 7000 }))).toEqual({
      kind: 'retry',
      afterMs: 7000,
      message: 'Tripletex answered 429',
    });
    expect(classifyFailure(answered(503))).toMatchObject({ kind: 'retry', afterMs: 0 });
  });

  it('retries a write whose outcome is unknown, whatever its status', () => {
    expect(classifyFailure(answered(400, [], { outcomeUnknown: true }))).toMatchObject({
      kind: 'retry',
    });
  });

  it.each([
    ['a 401', answered(401)],
    [
      'a session refusal naming the employee token',
      answered(422, [{ field: 'arg:employeeToken', message: 'Invalid' }]),
    ],
  ])('reports %s as a rejected company token that waits', (_, error) => {
    expect(classifyFailure(error)).toEqual({
      kind: 'token-rejected',
      afterMs: TOKEN_REJECTED_RETRY_MS,
      message: 'Tripletex refused the company token',
    });
    expect(isTokenRejected(error)).toBe(true);
  });

  it('lets work wait, not fail, when Tripletex refuses the deployment consumer token', () => {
    const failure = classifyFailure(
      answered(422, [{ field: 'arg:consumerToken', message: 'Invalid consumer token' }]),
    );
    expect(failure).toMatchObject({ kind: 'retry', misconfigured: true });
    expect((failure as { message: string }).message).toContain('req-1');
  });

  it('makes a 403 a final refusal for missing access, with what Tripletex said', () => {
    expect(
      classifyFailure(answered(403, [{ field: null, message: 'No access to vouchers' }])),
    ).toEqual({
      kind: 'final',
      refusal: 'forbidden',
      code: 'TRIPLETEX.FORBIDDEN',
      message: 'No access to vouchers',
    });
  });

  it('recognises the missing bank account number in Tripletex’s Norwegian message', () => {
    const failure = classifyFailure(
      answered(422, [
        {
          field: 'invoice',
          message: 'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.',
        },
      ]),
    );
    expect(failure).toMatchObject({
      kind: 'final',
      refusal: 'no-bank-account',
      code: 'TRIPLETEX.VALIDATION',
    });
  });

  it('joins every validation message of another refusal', () => {
    const failure = classifyFailure(
      answered(422, [
        { field: 'postings', message: 'Bilaget er ikke i balanse.' },
        { field: 'date', message: 'Perioden er låst.' },
      ]),
    );
    expect(failure).toEqual({
      kind: 'final',
      refusal: 'refused',
      code: 'TRIPLETEX.VALIDATION',
      message: 'Bilaget er ikke i balanse.; Perioden er låst.',
    } satisfies TripletexFailure);
    expect(isTokenRejected(answered(422, [{ field: 'date', message: 'x' }]))).toBe(false);
  });

  it('keeps a final AppError of our own with its code, and retries a retriable one', () => {
    expect(classifyFailure(new AppError('SALES_EXPORT.NO_TOKEN', 'no token'))).toEqual({
      kind: 'final',
      refusal: 'app',
      code: 'SALES_EXPORT.NO_TOKEN',
      message: 'no token',
    });
    expect(classifyFailure(new AppError('X.BUSY', 'busy', { retriable: true }))).toMatchObject({
      kind: 'retry',
      afterMs: 0,
    });
  });

  it('retries anything unexpected (a dropped connection, a bug) instead of failing the work', () => {
    expect(classifyFailure(new Error('socket hang up'))).toMatchObject({
      kind: 'retry',
      message: expect.stringContaining('socket hang up'),
    });
    expect(classifyFailure(undefined)).toMatchObject({ kind: 'retry' });
  });
});
