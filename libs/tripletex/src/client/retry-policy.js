"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_RETRY = void 0;
exports.backoffDelay = backoffDelay;
exports.rateLimitDelay = rateLimitDelay;
exports.DEFAULT_RETRY = {
    maxAttempts: 6,
    maxTotalMs: 120_000,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
};
/** Exponential backoff with jitter: a random point in the upper half of the window. */
function backoffDelay(policy, attempt, random = Math.random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
/**
 * Wait before retrying a 429: the rate-limit window's reset when Tripletex says it
 * (`X-Rate-Limit-Reset`, seconds), plus a little jitter so callers do not stampede; otherwise
 * (Tripletex sometimes omits the header) exponential backoff.
 */
function rateLimitDelay(policy, attempt, resetSeconds, random = Math.random) {
    if (resetSeconds !== undefined && Number.isFinite(resetSeconds) && resetSeconds >= 0) {
        // The server's word wins over our own caps; a wait beyond maxTotalMs ends the retries instead.
        return Math.round(resetSeconds * 1000 + random() * 250);
    }
    return backoffDelay(policy, attempt, random);
}
//# sourceMappingURL=retry-policy.js.map