import { AppError } from '../errors/app-error';

export interface HeldLeaseOptions {
  /** How long a claim or an extension keeps the row (the lease written in the row). */
  leaseMs: number;
  /**
   * Extends the lease in one statement that checks ownership (`WHERE lease_owner = $token`);
   * resolves false when the row is no longer ours.
   */
  extend: () => Promise<boolean>;
  /** How often to extend; a third of the lease by default. */
  everyMs?: number;
  logger?: { warn(message: unknown, ...rest: unknown[]): void };
}

/** The work gave up because its lease is gone: someone else may own the row now. */
export class LeaseLostError extends AppError {
  constructor(what: string) {
    super('LEASE_LOST', `the lease on ${what} was lost; the next owner takes over`, {
      retriable: true,
    });
  }
}

/**
 * A lease on a claimed row, held while the work runs: extended every third of its length (a
 * heartbeat), so a slow Tripletex never lets a second instance claim the same row. If the row is
 * no longer ours, or the lease could not be extended before it ran out (the database was away),
 * `signal` aborts: the work checks it before every external effect (`throwIfLost`) and gives up
 * without one, and the worker records nothing. The next owner finds an effect that did happen
 * through its external reference.
 */
export class HeldLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private validUntil: number;
  private extending?: Promise<void>;

  private constructor(
    private readonly what: string,
    private readonly options: HeldLeaseOptions,
  ) {
    this.validUntil = Date.now() + options.leaseMs;
    this.timer = setInterval(
      () => void this.heartbeat(),
      options.everyMs ?? Math.max(10, Math.floor(options.leaseMs / 3)),
    );
    this.timer.unref();
  }

  /** Starts holding a lease that was just claimed. */
  static hold(what: string, options: HeldLeaseOptions): HeldLease {
    return new HeldLease(what, options);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted || Date.now() >= this.validUntil;
  }

  /** Throws LeaseLostError if the lease is gone: call right before an external effect. */
  throwIfLost(): void {
    if (this.lost) {
      this.giveUp('it ran out');
      throw new LeaseLostError(this.what);
    }
  }

  /** Stops extending (the work is done; the result is recorded with an ownership check). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.extending;
  }

  private heartbeat(): Promise<void> {
    if (this.extending || this.controller.signal.aborted) return Promise.resolve();
    const startedAt = Date.now();
    this.extending = this.options
      .extend()
      .then(
        (ours) => {
          if (ours) this.validUntil = startedAt + this.options.leaseMs;
          else this.giveUp('another owner has it');
        },
        (error: unknown) => {
          // The database is away: keep trying until the lease would have run out anyway.
          if (Date.now() >= this.validUntil)
            this.giveUp(`it could not be extended (${(error as Error).message})`);
        },
      )
      .finally(() => (this.extending = undefined));
    return this.extending;
  }

  private giveUp(why: string): void {
    if (this.controller.signal.aborted) return;
    clearInterval(this.timer);
    this.options.logger?.warn(`lost the lease on ${this.what}: ${why}`);
    this.controller.abort(new LeaseLostError(this.what));
  }
}
