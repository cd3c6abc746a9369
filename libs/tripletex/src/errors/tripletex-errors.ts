import { AppError } from '@pos-tripletex/platform';

export type TripletexErrorKind =
  | 'bad-request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable';

export interface ValidationMessage {
  field: string | null;
  message: string;
}

export interface TripletexErrorDetails {
  /** HTTP status; 0 when no response came (timeout, connection error). */
  status: number;
  /** Tripletex's own error code (e.g. 15000 value validation, 3000 authentication). */
  tlxCode?: number;
  validationMessages?: ValidationMessage[];
  developerMessage?: string | null;
  /** `x-tlx-request-id`: quote it to Tripletex support. */
  requestId?: string;
  method: string;
  path: string;
  /** For rate limits: how long Tripletex asked us to wait, when it said. */
  retryAfterMs?: number;
  /** A write that may or may not have happened (timeout or 5xx after sending a POST). */
  outcomeUnknown?: boolean;
}

const CODES: Record<TripletexErrorKind, string> = {
  'bad-request': 'TRIPLETEX.BAD_REQUEST',
  validation: 'TRIPLETEX.VALIDATION',
  unauthorized: 'TRIPLETEX.UNAUTHORIZED',
  forbidden: 'TRIPLETEX.FORBIDDEN',
  'not-found': 'TRIPLETEX.NOT_FOUND',
  conflict: 'TRIPLETEX.CONFLICT',
  'rate-limited': 'TRIPLETEX.RATE_LIMITED',
  unavailable: 'TRIPLETEX.UNAVAILABLE',
};

/**
 * Every failure of a Tripletex call, typed by kind, with everything Tripletex said (its code,
 * message, each validation message and the request id). Rate limits and unavailability are
 * retriable; the rest are final. No raw AxiosError leaves libs/tripletex.
 */
export class TripletexError extends AppError {
  readonly kind: TripletexErrorKind;
  readonly status: number;
  readonly tlxCode?: number;
  readonly validationMessages: ValidationMessage[];
  readonly developerMessage?: string | null;
  readonly requestId?: string;
  readonly method: string;
  readonly path: string;
  readonly retryAfterMs?: number;
  readonly outcomeUnknown: boolean;

  constructor(
    kind: TripletexErrorKind,
    message: string,
    details: TripletexErrorDetails,
    cause?: unknown,
  ) {
    super(CODES[kind], message, {
      retriable: kind === 'rate-limited' || kind === 'unavailable',
      httpStatus: kind === 'rate-limited' || kind === 'unavailable' ? 503 : 422,
      details: {
        tripletexStatus: details.status,
        tripletexCode: details.tlxCode,
        requestId: details.requestId,
        validationMessages: details.validationMessages,
      },
      cause,
    });
    this.name = 'TripletexError';
    this.kind = kind;
    this.status = details.status;
    this.tlxCode = details.tlxCode;
    this.validationMessages = details.validationMessages ?? [];
    this.developerMessage = details.developerMessage;
    this.requestId = details.requestId;
    this.method = details.method;
    this.path = details.path;
    this.retryAfterMs = details.retryAfterMs;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }

  /** Is it this kind of failure? (instanceof-free, so it survives serialisation.) */
  static is(error: unknown, kind?: TripletexErrorKind): error is TripletexError {
    return error instanceof TripletexError && (kind === undefined || error.kind === kind);
  }
}

export function kindOfStatus(status: number): TripletexErrorKind {
  if (status === 400) return 'bad-request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'unavailable';
  return 'validation';
}

/** "message: field: text; field: text" – everything Tripletex said, for logs and operators. */
export function describeTripletexBody(
  message: string | undefined,
  validationMessages: ValidationMessage[] | undefined,
): string {
  const fields = (validationMessages ?? [])
    .map((v) => (v.field ? `${v.field}: ${v.message}` : v.message))
    .join('; ');
  return [message, fields].filter((s) => s && s.length > 0).join(': ') || 'no message';
}
