import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { counter, histogram, secrets } from '@pos-tripletex/platform';
import axios, { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeTripletexBody,
  kindOfStatus,
  TripletexError,
  ValidationMessage,
} from '../errors/tripletex-errors';
import type { SessionToken, TripletexErrorBody, ValueEnvelope } from '../types';
import { CompanyCredentials, TripletexClientOptions, TripletexLogger } from './options';
import { RatePacer } from './rate-pacer';
import { backoffDelay, DEFAULT_RETRY, rateLimitDelay, RetryPolicy } from './retry-policy';
import { Semaphore } from './semaphore';
import { SessionTokens } from './session-tokens';

const calls = counter({
  name: 'pos_tripletex_requests_total',
  help: 'Tripletex API calls, by method, path (ids as {id}) and status (0: no response)',
  labelNames: ['method', 'path', 'status'] as const,
});
const latency = histogram({
  name: 'pos_tripletex_request_duration_seconds',
  help: 'Tripletex API call duration, by method and path (ids as {id})',
  labelNames: ['method', 'path'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** `/ledger/voucher/123/:reverse` → `/ledger/voucher/{id}/:reverse`: one series per operation. */
export const pathTemplate = (path: string): string => path.replace(/\/\d+(?=\/|$)/g, '/{id}');

export type QueryValue =
  string | number | boolean | undefined | null | readonly (string | number)[];

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
  rateLimit: { limit?: number; remaining?: number; resetSeconds?: number };
}

/** Network failures where the request never reached Tripletex: safe to send again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function headerNumber(res: AxiosResponse | undefined, name: string): number | undefined {
  const raw: unknown = res?.headers?.[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function headerString(res: AxiosResponse | undefined, name: string): string | undefined {
  const raw: unknown = res?.headers?.[name];
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

function toQueryString(query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    params.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The HTTP layer of the client: one keep-alive connection pool, Basic auth with a cached session
 * token per company (renewed before expiry, re-created once on a 401), a concurrency limit per
 * company, timeouts, retries with backoff that honour Tripletex's rate-limit headers, typed
 * errors, and one log line per call (method, path, status, duration, request id; never a token
 * or a query string).
 */
export class TripletexHttp {
  private readonly axios: AxiosInstance;
  private readonly sessions: SessionTokens;
  private readonly limits = new Map<string, Semaphore>();
  private readonly lookups = new Map<string, Promise<unknown>>();
  private readonly pacers = new Map<string, RatePacer>();
  private readonly retry: RetryPolicy;
  private readonly logger: TripletexLogger;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly options: TripletexClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? new Logger('Tripletex');
    secrets.add(options.consumerToken);
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 30_000,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { Accept: 'application/json' },
      // Tripletex returns JSON; a PDF endpoint asks for an arraybuffer itself.
      transitional: { clarifyTimeoutError: true },
    });
    this.sessions = new SessionTokens(
      (employeeToken, expirationDate) => this.createSession(employeeToken, expirationDate),
      options.now ?? (() => new Date()),
      options.sessionDays ?? 7,
      options.renewBeforeMs ?? 24 * 60 * 60 * 1000,
    );
  }

  /** `PUT /token/session/:create` (needs no auth). Sessions are harmless to create twice. */
  async createSession(employeeToken: string, expirationDate: string): Promise<SessionToken> {
    // The employee token itself is registered by whoever stores it (SecretBox), not here: a token
    // someone merely pastes and that fails verification must not grow the scrubber's set.
    const res = await this.withRetries(
      { method: 'PUT', path: '/token/session/:create', idempotent: true },
      () =>
        this.send(
          {
            method: 'PUT',
            path: '/token/session/:create',
            query: { consumerToken: this.options.consumerToken, employeeToken, expirationDate },
          },
          undefined,
        ),
    );
    const session = (res.data as ValueEnvelope<SessionToken>).value;
    secrets.track(
      `session:${createHash('sha256').update(employeeToken).digest('hex')}`,
      session.token,
    );
    return session;
  }

  /** A call on behalf of a company, authenticated with its (cached) session token. */
  async request<T>(
    company: CompanyCredentials,
    request: TripletexRequest,
  ): Promise<TripletexResponse<T>> {
    const pacer = this.pacerFor(company.key);
    return this.limitFor(company.key).run(() =>
      this.withRetries(
        request,
        async () => {
          const token = await this.sessions.get(company.key, company.employeeToken);
          let res = await this.sendPaced(pacer, request, token);
          if (res.status === 401) {
            // Expired or revoked session: forget it and try once more with a fresh one.
            this.sessions.invalidate(company.key, token);
            const fresh = await this.sessions.get(company.key, company.employeeToken);
            res = await this.sendPaced(pacer, request, fresh);
          }
          return res;
        },
        pacer,
      ),
    ) as Promise<TripletexResponse<T>>;
  }

  /**
   * Forget a key's cached session, look-ups and pacing, and those of the keys below it (`key:…`):
   * after its employee token changed or was deleted.
   */
  forget(key: string): void {
    this.sessions.forget(key);
    const under = (k: string) => k === key || k.startsWith(`${key}:`);
    for (const cachedKey of [...this.lookups.keys()])
      if (cachedKey.startsWith(`${key}:`)) this.lookups.delete(cachedKey);
    for (const [pacedKey, pacer] of [...this.pacers])
      if (under(pacedKey) && pacer.idle) this.pacers.delete(pacedKey);
    // An idle limit is dropped; one with calls waiting stays until they are done.
    for (const [limitKey, limit] of [...this.limits])
      if (under(limitKey) && limit.idle) this.limits.delete(limitKey);
  }

  /**
   * A look-up shared by every caller in the process (e.g. a company's VAT types), fetched once;
   * a failed one is not kept.
   */
  cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let found = this.lookups.get(key) as Promise<T> | undefined;
    if (!found) {
      found = load();
      found.catch(() => this.lookups.delete(key));
      this.lookups.set(key, found);
    }
    return found;
  }

  /**
   * Whether Tripletex answers at all: one unauthenticated GET (no retries, short timeout). Any
   * HTTP answer below 500 – normally 401 – means it is reachable and serving.
   */
  async probe(
    timeoutMs: number,
  ): Promise<{ reachable: boolean; status?: number; ms: number; error?: string }> {
    const started = Date.now();
    try {
      const res = await this.axios.get('/token/session/>whoAmI', {
        timeout: timeoutMs,
        headers: { Accept: 'application/json' },
      });
      return { reachable: res.status < 500, status: res.status, ms: Date.now() - started };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return {
        reachable: false,
        ms: Date.now() - started,
        error: e.code ?? e.message ?? String(error),
      };
    }
  }

  /** Releases the keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * One call at the key's pace (RatePacer): when Tripletex's last word says the window's calls are
   * spent, it waits for the window's end; its answer's rate-limit headers pace the next call.
   * Waiting is pacing, not a retry: it is not bounded by the retry policy's per-retry delay.
   */
  private async sendPaced(
    pacer: RatePacer,
    request: TripletexRequest,
    token: string,
  ): Promise<AxiosResponse> {
    for (let wait = pacer.waitMs(); wait > 0; wait = pacer.waitMs()) {
      // A window that ends beyond the retry policy's time (e.g. an hour's limit spent) is not
      // waited for: the call fails rate-limited, unsent, with the wait as its retry-after.
      if (wait > this.retry.maxTotalMs)
        throw new TripletexError(
          'rate-limited',
          `Tripletex ${request.method} ${request.path} not sent: the rate limit's calls are spent for ${Math.ceil(wait / 1000)} s more`,
          { status: 0, method: request.method, path: request.path, retryAfterMs: wait },
        );
      await sleep(wait);
    }
    const ticket = pacer.sending();
    let res: AxiosResponse;
    try {
      res = await this.send(request, token);
    } catch (error) {
      pacer.unanswered();
      throw error;
    }
    pacer.answered(
      ticket,
      headerNumber(res, 'x-rate-limit-remaining'),
      headerNumber(res, 'x-rate-limit-reset'),
    );
    return res;
  }

  private pacerFor(key: string): RatePacer {
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new RatePacer();
      this.pacers.set(key, pacer);
    }
    return pacer;
  }

  private limitFor(key: string): Semaphore {
    let limit = this.limits.get(key);
    if (!limit) {
      limit = new Semaphore(this.options.maxConcurrentPerCompany ?? 4);
      this.limits.set(key, limit);
    }
    return limit;
  }

  /** `pacer`: the key's pacer, which makes a retried 429 wait for its window's end itself. */
  private async withRetries(
    request: TripletexRequest,
    attemptOnce: () => Promise<AxiosResponse>,
    pacer?: RatePacer,
  ): Promise<TripletexResponse<unknown>> {
    const idempotent =
      request.idempotent ?? (request.method === 'GET' || request.method === 'DELETE');
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      let error: TripletexError;
      let mayRetry: boolean;
      let delay: number;
      try {
        const res = await attemptOnce();
        if (res.status < 400) {
          return {
            status: res.status,
            data: res.data as unknown,
            requestId: headerString(res, 'x-tlx-request-id'),
            rateLimit: {
              limit: headerNumber(res, 'x-rate-limit-limit'),
              remaining: headerNumber(res, 'x-rate-limit-remaining'),
              resetSeconds: headerNumber(res, 'x-rate-limit-reset'),
            },
          };
        }
        error = this.errorFromResponse(request, res, idempotent);
        if (res.status === 429) {
          mayRetry = true; // refused, not processed: safe for any method
          const reset = headerNumber(res, 'x-rate-limit-reset');
          // A paced call waits for the window's end as the pacer knows it from this answer and the
          // window's earlier ones (the reset alone is rounded up to whole seconds); without
          // X-Rate-Limit-Reset it backs off.
          delay =
            pacer && reset !== undefined
              ? pacer.waitMs()
              : rateLimitDelay(this.retry, attempt, reset);
        } else {
          mayRetry = res.status >= 500 && idempotent;
          delay = backoffDelay(this.retry, attempt);
        }
      } catch (thrown) {
        if (thrown instanceof TripletexError) throw thrown;
        const code = (thrown as AxiosError).code ?? '';
        const notSent = NOT_SENT.has(code);
        error = this.errorFromNetwork(request, thrown as AxiosError, !notSent && !idempotent);
        mayRetry = notSent || idempotent;
        delay = backoffDelay(this.retry, attempt);
      }
      const elapsed = Date.now() - started;
      if (
        !mayRetry ||
        attempt >= this.retry.maxAttempts ||
        elapsed + delay > this.retry.maxTotalMs
      ) {
        throw error;
      }
      this.logger.warn(
        {
          method: request.method,
          path: request.path,
          status: error.status,
          requestId: error.requestId,
          attempt,
          delayMs: delay,
        },
        `Tripletex ${request.method} ${request.path} failed (${error.status || error.message}); retry ${attempt + 1}/${this.retry.maxAttempts} in ${delay} ms`,
      );
      await sleep(delay);
    }
  }

  private async send(
    request: TripletexRequest,
    sessionToken: string | undefined,
  ): Promise<AxiosResponse> {
    const started = Date.now();
    let res: AxiosResponse | undefined;
    try {
      res = await this.axios.request({
        method: request.method,
        url: `${request.path}${toQueryString(request.query)}`,
        data: request.body,
        auth: sessionToken === undefined ? undefined : { username: '0', password: sessionToken },
        headers:
          request.body === undefined
            ? undefined
            : { 'Content-Type': 'application/json; charset=utf-8' },
      });
      return res as AxiosResponse;
    } finally {
      const durationMs = Date.now() - started;
      const line = {
        method: request.method,
        path: request.path,
        status: res?.status ?? 0,
        durationMs,
        requestId: headerString(res, 'x-tlx-request-id'),
      };
      const text = `Tripletex ${request.method} ${request.path} → ${res?.status ?? 'no response'} in ${durationMs} ms`;
      const path = pathTemplate(request.path);
      calls.inc({ method: request.method, path, status: String(res?.status ?? 0) });
      latency.observe({ method: request.method, path }, durationMs / 1000);
      if (res && res.status < 400) this.logger.log(line, text);
      else this.logger.warn(line, text);
    }
  }

  private errorFromResponse(
    request: TripletexRequest,
    res: AxiosResponse,
    idempotent: boolean,
  ): TripletexError {
    const body = (
      typeof res.data === 'object' && res.data !== null ? res.data : {}
    ) as TripletexErrorBody;
    const validationMessages: ValidationMessage[] = (body.validationMessages ?? []).map((v) => ({
      field: v.field ?? null,
      message: v.message ?? '',
    }));
    const kind = kindOfStatus(res.status);
    const said = describeTripletexBody(body.message, validationMessages);
    return new TripletexError(
      kind,
      `Tripletex ${request.method} ${request.path} answered ${res.status}: ${said}`,
      {
        status: res.status,
        tlxCode: body.code,
        validationMessages,
        developerMessage: body.developerMessage,
        requestId: body.requestId ?? headerString(res, 'x-tlx-request-id'),
        method: request.method,
        path: request.path,
        retryAfterMs:
          res.status === 429 && headerNumber(res, 'x-rate-limit-reset') !== undefined
            ? (headerNumber(res, 'x-rate-limit-reset') as number) * 1000
            : undefined,
        outcomeUnknown: res.status >= 500 && !idempotent,
      },
    );
  }

  private errorFromNetwork(
    request: TripletexRequest,
    error: AxiosError,
    outcomeUnknown: boolean,
  ): TripletexError {
    const code = error.code ?? 'NETWORK';
    const what = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timed out' : `failed (${code})`;
    return new TripletexError(
      'unavailable',
      `Tripletex ${request.method} ${request.path} ${what}${outcomeUnknown ? '; it may or may not have taken effect' : ''}`,
      { status: 0, method: request.method, path: request.path, outcomeUnknown },
      error,
    );
  }
}
