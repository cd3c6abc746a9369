import type { SessionToken } from '../types';
import { CompanyCredentials, TripletexClientOptions } from './options';
import { TripletexCompanyClient } from './tripletex-company.client';
/**
 * The Tripletex API v2 client of a deployment (one consumer token, many companies). Share one
 * instance per process: it holds the connection pool, the session-token cache and the
 * per-company concurrency limits.
 */
export declare class TripletexClient {
    readonly options: TripletexClientOptions;
    private readonly http;
    constructor(options: TripletexClientOptions);
    /** Calls on behalf of one company. Cheap: create one per use if convenient. */
    company(credentials: CompanyCredentials): TripletexCompanyClient;
    /** A new session token straight from the two tokens (token verification; bypasses the cache). */
    createSession(employeeToken: string, expirationDate: string): Promise<SessionToken>;
    /** Forget a company's cached session: call it when its employee token changes or is removed. */
    forget(key: string): void;
    close(): void;
}
