import { describeError } from '../errors/app-error';

export interface WorkLoopOptions<T> {
  /** Says what failed in log lines ("invoice worker", "export worker"). */
  name: string;
  /** How many items may be in progress at once (read at each pass). */
  concurrency: () => number;
  /**
   * Claims up to `limit` due items (e.g. rows with a lease); [] when there is nothing to do. This is
   * where fairness lives: claim at most a few items of one company (and never one whose company
   * already has its share in progress), the least recently served first.
   */
  claim: (limit: number) => Promise<T[]>;
  /** Works on one claimed item. A failure is logged; the other items go on. */
  handle: (item: T) => Promise<void>;
  /** Runs at the start of every pass (e.g. closing days that became due). */
  beforePass?: () => Promise<unknown>;
  /** Log fields of an item, for the error line of a failed `handle`. */
  describe?: (item: T) => Record<string, unknown>;
  logger: {
    error(message: unknown, ...rest: unknown[]): void;
    log?(message: unknown, ...rest: unknown[]): void;
  };
}

/** After this many failed passes in a row, only every this-many-th failure is logged. */
const LOG_EVERY_NTH_FAILURE = 20;

/**
 * The loop of a worker that claims work from the database: one pass at a time per process, and
 * within a pass up to `concurrency` items in progress. A nudge (new work arrived) or the timer's
 * tick during a pass makes it claim again at once for its free slots, so new work of another
 * company never waits for the slow items in progress. A failing pass (the database is away) is
 * logged – the first time and then every 20th time, with a line when it recovers – and the next
 * tick tries again: the loop never stops and never rejects. `stop()` claims nothing more and waits
 * for what runs.
 */
export class WorkLoop<T> {
  private running?: Promise<void>;
  /** Claim again now (within the pass). */
  private again = false;
  /** A nudge came after the pass began: run another pass after it. */
  private pending = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private failures = 0;

  constructor(private readonly options: WorkLoopOptions<T>) {}

  /**
   * A job that runs every `intervalMs` (call `start`), never twice at once in this process,
   * surviving its own failures. For periodic housekeeping; work on many companies should claim
   * items instead, so that they are shared fairly.
   */
  static periodic(
    name: string,
    run: () => Promise<unknown>,
    logger: WorkLoopOptions<true>['logger'],
  ): WorkLoop<true> {
    let due = false;
    return new WorkLoop<true>({
      name,
      concurrency: () => 1,
      beforePass: () => Promise.resolve((due = true)),
      claim: () => {
        const claimed: true[] = due ? [true] : [];
        due = false;
        return Promise.resolve(claimed);
      },
      handle: async () => {
        await run();
      },
      logger,
    });
  }

  /** Passes every `intervalMs` besides the nudges (the timer does not keep the process alive). */
  start(intervalMs: number, { now = false } = {}): void {
    this.stopping = false;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.nudge(), intervalMs);
    this.timer.unref();
    if (now) this.nudge();
  }

  /** Look for work now. */
  nudge(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      this.pending = true;
      this.wake?.();
      return;
    }
    this.pending = false;
    this.running = this.pass()
      .then(
        () => {
          if (this.failures > 0)
            this.options.logger.log?.(
              `${this.options.name} works again after ${this.failures} failed pass(es)`,
            );
          this.failures = 0;
        },
        (error: unknown) => {
          this.failures++;
          if (this.failures === 1 || this.failures % LOG_EVERY_NTH_FAILURE === 0)
            this.options.logger.error(
              `${this.options.name} pass failed${this.failures > 1 ? ` (${this.failures} in a row)` : ''}: ${describeError(error)}`,
            );
        },
      )
      .finally(() => {
        this.running = undefined;
        this.again = false;
        if (this.pending && !this.stopping) {
          this.pending = false;
          // A pass that failed is tried again by the timer, not in a tight loop.
          if (this.failures === 0) this.nudge();
        }
      });
  }

  /** The pass in progress, if any (tests and shutdown wait on it). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.wake?.();
    await this.running;
  }

  private async pass(): Promise<void> {
    const { beforePass, claim, handle, describe, logger, name } = this.options;
    await beforePass?.();
    const active = new Set<Promise<void>>();
    try {
      for (;;) {
        this.again = false;
        const free = this.stopping ? 0 : this.options.concurrency() - active.size;
        const claimed = free > 0 ? await claim(free) : [];
        for (const item of claimed) {
          const work: Promise<void> = Promise.resolve()
            .then(() => handle(item))
            .catch((error: unknown) =>
              logger.error(describe?.(item) ?? {}, `${name}: ${describeError(error)}`),
            )
            .finally(() => active.delete(work));
          active.add(work);
        }
        if (active.size === 0) return;
        if (this.stopping) {
          await Promise.allSettled(active);
          return;
        }
        // New work was announced while claiming, or this claim found some: look again.
        if (this.again || (claimed.length > 0 && active.size < this.options.concurrency()))
          continue;
        // Wait for a slot to free up, or for a nudge / tick asking to look for new work.
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        await Promise.race([...active, woken]);
        this.wake = undefined;
      }
    } finally {
      // A failed claim must not orphan the items in progress: they finish before the pass ends.
      await Promise.allSettled(active);
    }
  }
}
