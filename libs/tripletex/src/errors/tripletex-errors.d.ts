import { AppError } from '@pos-tripletex/platform';
export type TripletexErrorKind = 'bad-request' | 'validation' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'rate-limited' | 'unavailable';
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
/**
 * Every failure of a Tripletex call, typed by kind, with everything Tripletex said (its code,
 * message, each validation message and the request id). Rate limits and unavailability are
 * retriable; the rest are final. No raw AxiosError leaves libs/tripletex.
 */
export declare class TripletexError extends AppError {
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
    constructor(kind: TripletexErrorKind, message: string, details: TripletexErrorDetails, cause?: unknown);
    /** Is it this kind of failure? (instanceof-free, so it survives serialisation.) */
    static is(error: unknown, kind?: TripletexErrorKind): error is TripletexError;
}
export declare function kindOfStatus(status: number): TripletexErrorKind;
/** "message: field: text; field: text" – everything Tripletex said, for logs and operators. */
export declare function describeTripletexBody(message: string | undefined, validationMessages: ValidationMessage[] | undefined): string;
