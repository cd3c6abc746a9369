/**
 * The one error shape that crosses layers. `code` is stable and machine-readable
 * (`INVOICING.CUSTOMER_INACTIVE`); `retriable` tells the Kafka layer whether trying again can help
 * (instanceof does not survive Kafka or HTTP, a flag does).
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  /** HTTP status the edge should answer with; unset means 422 for final errors, 503 for retriable. */
  readonly httpStatus?: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: {
      retriable?: boolean;
      httpStatus?: number;
      details?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.httpStatus = options.httpStatus;
    this.details = options.details;
  }
}

/** Whether an error is worth retrying. Unknown errors are (bounded by the caller's attempts). */
export function isRetriable(error: unknown): boolean {
  if (error !== null && typeof error === 'object' && 'retriable' in error) {
    return error.retriable === true;
  }
  return true;
}

/** A readable one-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code.length > 0
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
