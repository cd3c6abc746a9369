import { AppError, describeError } from '@pos-tripletex/platform';
import { TripletexError } from './tripletex-errors';

/** How long work waits after Tripletex refused a company's token (or the deployment's). */
export const TOKEN_REJECTED_RETRY_MS = 15 * 60_000;

/**
 * What a failed piece of Tripletex work means, decided in one place for every service:
 * - `retry`: Tripletex or the network is away, rate-limited, or an unexpected error – the work waits
 *   `afterMs` (at least; callers add their own backoff) and is tried again. `misconfigured` marks a
 *   refused consumer token: the deployment's fault, never the work's, so it waits too.
 * - `token-rejected`: Tripletex refused the company's employee token. The work waits and the
 *   service reports it (`integration.tripletex-auth-failed.v1`) so onboarding re-verifies the token.
 * - `final`: Tripletex (or our own rule, `refusal: 'app'`) refused this work; trying again cannot
 *   help until someone changes something. `message` is everything Tripletex said.
 */
export type TripletexFailure =
  | { kind: 'retry'; afterMs: number; message: string; misconfigured?: true }
  | { kind: 'token-rejected'; afterMs: number; message: string }
  | {
      kind: 'final';
      refusal: 'forbidden' | 'no-bank-account' | 'refused' | 'app';
      /** The AppError's code for `app`, Tripletex's error code (`TRIPLETEX.VALIDATION`, …) otherwise. */
      code: string;
      message: string;
    };

/** Did Tripletex refuse the employee token (401, or a session request naming the token)? */
export function isTokenRejected(error: unknown): boolean {
  return (
    error instanceof TripletexError &&
    (error.kind === 'unauthorized' || refusedField(error, 'arg:employeeToken'))
  );
}

/** Everything Tripletex said about a refusal: its validation messages, else its message. */
export function tripletexSaid(error: TripletexError): string {
  return error.validationMessages.map((v) => v.message).join('; ') || error.message;
}

export function classifyFailure(error: unknown): TripletexFailure {
  if (error instanceof TripletexError) {
    if (error.retriable || error.outcomeUnknown)
      return { kind: 'retry', afterMs: error.retryAfterMs ?? 0, message: error.message };
    if (refusedField(error, 'arg:consumerToken'))
      return {
        kind: 'retry',
        afterMs: TOKEN_REJECTED_RETRY_MS,
        message: `Tripletex refuses this deployment's consumer token (request ${error.requestId ?? '?'})`,
        misconfigured: true,
      };
    if (isTokenRejected(error))
      return {
        kind: 'token-rejected',
        afterMs: TOKEN_REJECTED_RETRY_MS,
        message: 'Tripletex refused the company token',
      };
    const said = tripletexSaid(error);
    // Tripletex refuses to invoice while the company has no bank account number registered.
    if (/bankkontonummer/i.test(said))
      return { kind: 'final', refusal: 'no-bank-account', code: error.code, message: said };
    if (error.kind === 'forbidden')
      return { kind: 'final', refusal: 'forbidden', code: error.code, message: said };
    return { kind: 'final', refusal: 'refused', code: error.code, message: said };
  }
  if (error instanceof AppError && !error.retriable)
    return { kind: 'final', refusal: 'app', code: error.code, message: error.message };
  return { kind: 'retry', afterMs: 0, message: describeError(error) };
}

function refusedField(error: TripletexError, field: string): boolean {
  return error.validationMessages.some((v) => v.field === field);
}
