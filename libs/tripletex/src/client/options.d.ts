import { RetryPolicy } from './retry-policy';
/** Structured logger (Nest's Logger fits; so does pino). */
export interface TripletexLogger {
    log(message: unknown, ...rest: unknown[]): void;
    warn(message: unknown, ...rest: unknown[]): void;
    error(message: unknown, ...rest: unknown[]): void;
    debug?(message: unknown, ...rest: unknown[]): void;
}
export interface TripletexClientOptions {
    /** API root including /v2: https://tripletex.no/v2, https://api-test.tripletex.tech/v2, or the sandbox. */
    baseUrl: string;
    /** The deployment's consumer token (the same for every company). */
    consumerToken: string;
    /** Per request. Default 30 s. */
    timeoutMs?: number;
    /** Requests in flight per company at most (Tripletex limits per employee token). Default 4. */
    maxConcurrentPerCompany?: number;
    retry?: Partial<RetryPolicy>;
    /** Session tokens are created to expire this many days ahead. Default 7. */
    sessionDays?: number;
    /** A cached session is renewed this long before it expires. Default 24 h. */
    renewBeforeMs?: number;
    /** Clock, for tests. */
    now?: () => Date;
    logger?: TripletexLogger;
}
/** Which company a call is for: our key for it (caching, concurrency) and its employee token. */
export interface CompanyCredentials {
    key: string;
    employeeToken: string;
}
