import { describeError } from '../errors/app-error';

export interface WorkLoopOptions<T> {
  /** Says what failed in log lines ("invoice worker", "export worker"). */
  name: string;
  /** How many items may be in progress at once (read at each pass). */
  concurrency: () => number;
  /** Claims up to `limit` due items (e.g. rows with a lease); [] when there is nothing to do. */
  claim: (limit: number) => Promise<T[]>;
  /** Works on one claimed item. A failure is logged; the other items go on. */
  handle: (item: T) => Promise<void>;
  /** Runs at the start of every pass (e.g. closing days that became due). */
  beforePass?: () => Promise<unknown>;
  /** Log fields of an item, for the error line of a failed `handle`. */
  describe?: (item: T) => Record<string, unknown>;
  logger: { error(message: unknown, ...rest: unknown[]): void };
}

/**
 * The loop of a worker that claims work from the database: one pass at a time per process (a
 * nudge during a pass asks for another one right after it), and within a pass up to
 * `concurrency` items in progress, claiming more as each one finishes, so an item waiting out a
 * rate limit never holds up the others. `stop()` claims nothing more and waits for what runs.
 */
export class WorkLoop<T> {
  private running?: Promise<void>;
  private again = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: WorkLoopOptions<T>) {}

  /** Passes every `intervalMs` besides the nudges (the timer does not keep the process alive). */
  start(intervalMs: number, { now = false } = {}): void {
    this.timer = setInterval(() => this.nudge(), intervalMs);
    this.timer.unref();
    if (now) this.nudge();
  }

  /** Look for work now. */
  nudge(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) =>
        this.options.logger.error(`${this.options.name} pass failed: ${describeError(error)}`),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
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
    await this.running;
  }

  private async pass(): Promise<void> {
    const { beforePass, claim, handle, describe, logger, name } = this.options;
    await beforePass?.();
    const active = new Set<Promise<void>>();
    for (;;) {
      const free = this.stopping ? 0 : this.options.concurrency() - active.size;
      const claimed = free > 0 ? await claim(free) : [];
      for (const item of claimed) {
        const work: Promise<void> = handle(item)
          .catch((error: unknown) =>
            logger.error(describe?.(item) ?? {}, `${name}: ${describeError(error)}`),
          )
          .finally(() => active.delete(work));
        active.add(work);
      }
      if (active.size === 0) return;
      if (claimed.length === 0 || active.size >= this.options.concurrency())
        await Promise.race(active);
    }
  }
}
