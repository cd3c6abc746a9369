import type { SessionToken } from '../types';
import { CompanyCredentials, TripletexClientOptions } from './options';
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export interface TripletexRequest {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    /** Path below the base URL, e.g. `/customer/42` or `/order/:invoiceMultipleOrders`. */
    path: string;
    query?: Record<string, QueryValue>;
    body?: unknown;
    /**
     * Whether sending it twice is harmless. Default: GET and DELETE are, POST and PUT are not.
     * A non-idempotent call is retried only when Tripletex provably did not act on it (429, 401,
     * connection refused); after a timeout or 5xx it fails with `outcomeUnknown`, and the caller
     * looks for the earlier result before trying again.
     */
    idempotent?: boolean;
}
export interface TripletexResponse<T> {
    status: number;
    data: T;
    requestId?: string;
    /** Rate-limit headers as Tripletex sent them. */
    rateLimit: {
        limit?: number;
        remaining?: number;
        resetSeconds?: number;
    };
}
/**
 * The HTTP layer of the client: one keep-alive connection pool, Basic auth with a cached session
 * token per company (renewed before expiry, re-created once on a 401), a concurrency limit per
 * company, timeouts, retries with backoff that honour Tripletex's rate-limit headers, typed
 * errors, and one log line per call (method, path, status, duration, request id; never a token
 * or a query string).
 */
export declare class TripletexHttp {
    private readonly options;
    private readonly axios;
    private readonly sessions;
    private readonly limits;
    private readonly lookups;
    private readonly pausedUntil;
    private readonly retry;
    private readonly logger;
    private readonly httpAgent;
    private readonly httpsAgent;
    constructor(options: TripletexClientOptions);
    /** `PUT /token/session/:create` (needs no auth). Sessions are harmless to create twice. */
    createSession(employeeToken: string, expirationDate: string): Promise<SessionToken>;
    /** A call on behalf of a company, authenticated with its (cached) session token. */
    request<T>(company: CompanyCredentials, request: TripletexRequest): Promise<TripletexResponse<T>>;
    /** Forget a company's cached session and look-ups (after its employee token changed or was deleted). */
    forget(key: string): void;
    /**
     * A look-up shared by every caller in the process (e.g. a company's VAT types), fetched once;
     * a failed one is not kept.
     */
    cached<T>(key: string, load: () => Promise<T>): Promise<T>;
    /** Releases the keep-alive connections. */
    close(): void;
    /**
     * Proactive pacing: when Tripletex said the window's requests are used up (X-Rate-Limit-Remaining
     * 0), wait for its reset instead of spending a request on a certain 429.
     */
    private paceFor;
    private notePace;
    private limitFor;
    private withRetries;
    private send;
    private errorFromResponse;
    private errorFromNetwork;
}
