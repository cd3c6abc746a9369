import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls an assertion until it passes or the deadline is reached, then throws its last error.
 * Tests wait for effects this way instead of sleeping.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw Object.assign(new Error(`not true within ${timeoutMs} ms: ${reason}`), {
        cause: lastError,
      });
    }
    await sleep(intervalMs);
  }
}
