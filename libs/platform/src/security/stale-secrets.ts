import { Logger } from '@nestjs/common';
import { gauge } from '../metrics/metrics';

type StaleCount = () => Promise<number>;

/** The stores of this process that count their stale secrets (a store registered twice: the last). */
const stores = new Map<object, { store: string; count: StaleCount }>();

const logger = new Logger('StaleSecrets');

gauge({
  name: 'pos_sealed_secrets_stale',
  help: 'Sealed secrets this service stores that are sealed with a key other than ENCRYPTION_ACTIVE_KEY_ID or in the legacy format, by store (table); counted at each scrape. 0 for every store of every service: the old key can leave ENCRYPTION_KEYS.',
  labelNames: ['store'] as const,
  async collect() {
    this.reset();
    for (const { store, count } of stores.values()) {
      try {
        this.set({ store }, await count());
      } catch (error) {
        // The scrape goes on without this store (e.g. the database is away for a moment).
        logger.warn(`could not count the stale secrets of ${store}: ${(error as Error).message}`);
      }
    }
  },
});

/**
 * Registers a store's count of stale sealed secrets for `pos_sealed_secrets_stale{store}`; call
 * the returned function when the store goes away (module destroy).
 */
export function countStaleSecrets(store: string, count: StaleCount): () => void {
  const handle = {};
  stores.set(handle, { store, count });
  return () => stores.delete(handle);
}
