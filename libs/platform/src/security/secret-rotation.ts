import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { describeError } from '../errors/app-error';
import { WorkLoop } from '../workers/work-loop';
import { countStaleSecrets } from './stale-secrets';

/**
 * Key rotation of one table of sealed secrets: a pass at start-up and every `intervalMs`
 * re-seals every stale secret (sealed with another key than the active one, or in the legacy
 * format) with the active key, page by page, so a secret that does not open holds up nothing;
 * `pos_sealed_secrets_stale{store}` counts what is left at each scrape. Idempotent and safe with
 * several instances when `resealPage` re-seals a row under its lock and only while it is stale.
 * A service's store extends it with the table's SQL (its lifecycle's) and the bindings.
 */
export abstract class SecretRotation implements OnApplicationBootstrap, OnApplicationShutdown {
  /** The `store` label of `pos_sealed_secrets_stale`: the table. */
  abstract readonly store: string;
  protected readonly logger = new Logger(this.constructor.name);
  protected readonly pageSize: number = 100;
  private loop?: WorkLoop<true>;
  private unregister?: () => void;

  /** How often a pass runs besides the one at start-up. */
  protected abstract get intervalMs(): number;

  /** Rows with a stale secret. */
  abstract countStale(): Promise<number>;

  /**
   * Re-seals the stale secrets of up to `limit` rows whose key comes after `after` (in key
   * order), in one transaction, each row locked and skipped when another transaction holds it
   * (SKIP LOCKED). Returns the keys it looked at – a row whose secret does not open is looked at
   * and left as it is (see `resealedOrNull`) – and how many rows it re-sealed.
   */
  abstract resealPage(after: string, limit: number): Promise<{ keys: string[]; resealed: number }>;

  onApplicationBootstrap(): void {
    this.unregister ??= countStaleSecrets(this.store, () => this.countStale());
    this.loop ??= WorkLoop.periodic(
      `re-sealing the secrets of ${this.store}`,
      () => this.everyStale(),
      this.logger,
    );
    this.loop.start(this.intervalMs, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    this.unregister = undefined;
    await this.loop?.stop();
  }

  /** One pass now (after the timer's, if one runs): how many rows it re-sealed. */
  async pass(): Promise<number> {
    await this.loop?.idle();
    return this.everyStale();
  }

  /**
   * `reseal()`, or null when a secret does not open – its key left the ring too early, or it is
   * damaged: logged as an error naming the company, and the row stays stale (and counted).
   */
  protected resealedOrNull<T>(companyId: string, what: string, reseal: () => T): T | null {
    try {
      return reseal();
    } catch (error) {
      this.logger.error(
        { companyId },
        `${what} of ${companyId} cannot be re-sealed: ${describeError(error)}`,
      );
      return null;
    }
  }

  private async everyStale(): Promise<number> {
    let after = '';
    let resealed = 0;
    for (;;) {
      const page = await this.resealPage(after, this.pageSize);
      resealed += page.resealed;
      if (page.keys.length < this.pageSize) break;
      after = page.keys[page.keys.length - 1];
    }
    if (resealed > 0)
      this.logger.log(
        { store: this.store, resealed },
        `re-sealed the secrets of ${resealed} row(s) of ${this.store} with the active key`,
      );
    return resealed;
  }
}
