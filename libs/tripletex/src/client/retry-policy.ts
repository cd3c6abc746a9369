import { backoffDelay as houseBackoff } from '@pos-tripletex/platform';

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

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  maxTotalMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** The house's exponential backoff (libs/platform) with this policy's first delay and cap. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  return houseBackoff({ firstMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, attempt, random);
}

/**
 * Wait before retrying a 429: the rate-limit window's reset when Tripletex says it
 * (`X-Rate-Limit-Reset`, seconds), plus a little jitter so callers do not stampede; otherwise
 * (Tripletex sometimes omits the header) exponential backoff.
 */
export function rateLimitDelay(
  policy: RetryPolicy,
  attempt: number,
  resetSeconds: number | undefined,
  random = Math.random,
): number {
  if (resetSeconds !== undefined && Number.isFinite(resetSeconds) && resetSeconds >= 0) {
    // The server's word wins over our own caps; a wait beyond maxTotalMs ends the retries instead.
    return Math.round(resetSeconds * 1000 + random() * 250);
  }
  return backoffDelay(policy, attempt, random);
}
