/** How long to wait before the next attempt: doubling from `firstMs`, never above `maxMs`. */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
}

/**
 * The one exponential backoff of the house: the window doubles with each attempt (1 → `firstMs`)
 * up to `maxMs`, and the wait is a random point in the window's upper half, so that many items
 * failing together (a Tripletex outage) do not all come back in the same second.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.firstMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
