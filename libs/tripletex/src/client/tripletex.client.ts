import type { SessionToken } from '../types';
import { CompanyCredentials, TripletexClientOptions } from './options';
import { TripletexCompanyClient } from './tripletex-company.client';
import { TripletexHttp } from './tripletex-http';

/**
 * The Tripletex API v2 client of a deployment (one consumer token, many companies). Share one
 * instance per process: it holds the connection pool, the session-token cache and the
 * per-company concurrency limits.
 */
export class TripletexClient {
  private readonly http: TripletexHttp;

  constructor(readonly options: TripletexClientOptions) {
    this.http = new TripletexHttp(options);
  }

  /** Calls on behalf of one company. Cheap: create one per use if convenient. */
  company(credentials: CompanyCredentials): TripletexCompanyClient {
    return new TripletexCompanyClient(this.http, credentials);
  }

  /** A new session token straight from the two tokens (token verification; bypasses the cache). */
  createSession(employeeToken: string, expirationDate: string): Promise<SessionToken> {
    return this.http.createSession(employeeToken, expirationDate);
  }

  /** Forget a company's cached session: call it when its employee token changes or is removed. */
  forget(key: string): void {
    this.http.forget(key);
  }

  /** Whether Tripletex answers (for readiness): one unauthenticated request, no retries. */
  probe(timeoutMs = 2000): ReturnType<TripletexHttp['probe']> {
    return this.http.probe(timeoutMs);
  }

  close(): void {
    this.http.close();
  }
}
