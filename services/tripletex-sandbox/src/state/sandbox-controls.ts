/** A scripted fault for the next matching requests: an HTTP error, a hang, or a dropped connection. */
export interface ScriptedFault {
  kind: 'status' | 'timeout' | 'drop';
  /** HTTP status for kind `status` (e.g. 500, 503, 429). */
  status?: number;
  /** Only requests with this method / whose path starts with this (below /v2). */
  method?: string;
  pathPrefix?: string;
  /** Only requests made with a session of this company (other tenants are left alone). */
  companyId?: number;
  /** For a 429: leave out X-Rate-Limit-Reset, as the real API sometimes does. */
  omitResetHeader?: boolean;
  remaining: number;
}

export interface RateLimitSettings {
  /** Requests per window per employee token (Tripletex limits per employee and consumer). */
  limit: number;
  windowSeconds: number;
  /** Share (0–1) of 429s sent without X-Rate-Limit-Reset. */
  omitResetHeaderRatio: number;
}

export interface RandomFaults {
  /** Share (0–1) of requests answered 500 or 503. */
  errorRatio: number;
  /** Share of requests that hang for `hangMs` (client timeouts). */
  timeoutRatio: number;
  /** Share of requests whose connection is dropped without an answer. */
  dropRatio: number;
  hangMs: number;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  operationId?: string;
  status: number;
  companyId?: number;
}

const DEFAULT_RATE_LIMIT: RateLimitSettings = {
  limit: 100_000,
  windowSeconds: 3600,
  omitResetHeaderRatio: 0,
};
const NO_FAULTS: RandomFaults = { errorRatio: 0, timeoutRatio: 0, dropRatio: 0, hangMs: 60_000 };
const LOG_SIZE = 20_000;

/** The operator's switches: latency, rate limit, faults; and the log of what was asked. */
export class SandboxControls {
  latencyMs = 0;
  /** Extra latency for one Tripletex company's requests (a slow tenant), by company id. */
  latencyByCompany = new Map<number, number>();
  rateLimit: RateLimitSettings = { ...DEFAULT_RATE_LIMIT };
  faults: RandomFaults = { ...NO_FAULTS };
  scripted: ScriptedFault[] = [];
  readonly requests: RequestLogEntry[] = [];
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly inFlight = new Map<string, number>();
  /** Most requests of one employee token ever in progress at once (checks client concurrency limits). */
  readonly peakInFlight = new Map<string, number>();

  /** The latency a request of this company gets. */
  latencyFor(companyId: number | undefined): number {
    return (
      this.latencyMs + (companyId === undefined ? 0 : (this.latencyByCompany.get(companyId) ?? 0))
    );
  }

  reset(): void {
    this.latencyMs = 0;
    this.latencyByCompany.clear();
    this.rateLimit = { ...DEFAULT_RATE_LIMIT };
    this.faults = { ...NO_FAULTS };
    this.scripted = [];
    this.requests.length = 0;
    this.windows.clear();
    this.inFlight.clear();
    this.peakInFlight.clear();
  }

  /** Marks a request of this token as in progress; call the returned function when it is done. */
  enter(token: string): () => void {
    const now = (this.inFlight.get(token) ?? 0) + 1;
    this.inFlight.set(token, now);
    this.peakInFlight.set(token, Math.max(now, this.peakInFlight.get(token) ?? 0));
    return () => this.inFlight.set(token, (this.inFlight.get(token) ?? 1) - 1);
  }

  /** Counts a request against its key's window; says whether it is allowed and what headers to send. */
  takeRateLimit(
    key: string,
    now: number,
  ): { allowed: boolean; limit: number; remaining: number; resetSeconds: number } {
    const windowMs = this.rateLimit.windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    const resetSeconds = Math.max(0, Math.ceil((window.start + windowMs - now) / 1000));
    return {
      allowed: window.count <= this.rateLimit.limit,
      limit: this.rateLimit.limit,
      remaining: Math.max(0, this.rateLimit.limit - window.count),
      resetSeconds,
    };
  }

  /** The scripted fault for this request, if one matches (and uses it up). */
  takeScripted(method: string, path: string, companyId?: number): ScriptedFault | undefined {
    const fault = this.scripted.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method === method) &&
        (!f.pathPrefix || path.startsWith(f.pathPrefix)) &&
        (f.companyId === undefined || f.companyId === companyId),
    );
    if (!fault) return undefined;
    fault.remaining--;
    this.scripted = this.scripted.filter((f) => f.remaining > 0);
    return fault;
  }

  log(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > LOG_SIZE) this.requests.splice(0, this.requests.length - LOG_SIZE);
  }
}
