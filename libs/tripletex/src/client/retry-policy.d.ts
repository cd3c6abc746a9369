/** How a call is retried. Reads retry freely; writes only where a retry cannot double the effect. */
export interface RetryPolicy {
    /** Total attempts, the first included. */
    maxAttempts: number;
    /** No retry is started after this much time has passed since the first attempt. */
    maxTotalMs: number;
    /** First backoff; doubles each attempt, with full jitter, capped at `maxDelayMs`. */
    baseDelayMs: number;
    maxDelayMs: number;
}
export declare const DEFAULT_RETRY: RetryPolicy;
/** Exponential backoff with jitter: a random point in the upper half of the window. */
export declare function backoffDelay(policy: RetryPolicy, attempt: number, random?: () => number): number;
/**
 * Wait before retrying a 429: the rate-limit window's reset when Tripletex says it
 * (`X-Rate-Limit-Reset`, seconds), plus a little jitter so callers do not stampede; otherwise
 * (Tripletex sometimes omits the header) exponential backoff.
 */
export declare function rateLimitDelay(policy: RetryPolicy, attempt: number, resetSeconds: number | undefined, random?: () => number): number;
