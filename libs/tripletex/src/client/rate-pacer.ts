/**
 * Paces one rate-limit key's calls (a company's token: Tripletex limits per employee and API
 * consumer) by what Tripletex says in every answer: `X-Rate-Limit-Remaining` (calls left in the
 * window) and `X-Rate-Limit-Reset` (whole seconds until it ends, rounded up). A call is sent while
 * the last answer's remaining calls are not yet spent by the calls sent after it; when they are,
 * it waits for the window's end – the earliest end any answer of this window implies (answer time
 * + reset), which is never before the real one – instead of spending a request on a certain 429.
 * The window in flight is judged by the latest call answered (calls are numbered as sent), so a
 * late answer of an earlier call never gives back calls already spent. Other clients on the same
 * token spend calls it cannot see: their 429s are noted like any answer and paced the same way.
 */
export class RatePacer {
  /** Calls sent so far (the next call's number is sent + 1). */
  private sent = 0;
  private inFlight = 0;
  /** The latest call answered: its number, the calls it said were left, the window's end. */
  private known?: { call: number; remaining: number; windowEnd: number };

  constructor(private readonly now: () => number = Date.now) {}

  /** How long the next call must wait (ms): 0 when it may go now. */
  waitMs(): number {
    const known = this.known;
    if (!known) return 0;
    if (known.remaining - (this.sent - known.call) > 0) return 0;
    return Math.max(0, known.windowEnd - this.now());
  }

  /** A call is being sent: its number, for `answered`/`unanswered`. */
  sending(): { call: number; sentAt: number } {
    this.inFlight++;
    return { call: ++this.sent, sentAt: this.now() };
  }

  /** A call got no answer (it may or may not have counted: the next answer will say). */
  unanswered(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** A call's answer and its rate-limit headers (either may be missing). */
  answered(
    ticket: { call: number; sentAt: number },
    remaining: number | undefined,
    resetSeconds: number | undefined,
  ): void {
    this.unanswered();
    // Without both there is no telling when the calls left run out (a 429 without
    // X-Rate-Limit-Reset is backed off by the caller instead).
    if (remaining === undefined || resetSeconds === undefined) return;
    const known = this.known;
    if (known && ticket.call < known.call) return; // a later call has spoken already
    const end = this.now() + resetSeconds * 1000;
    // A new window: this call went out after the last one surely ended, or it has more calls left
    // than the calls answered out of order (at most those in flight) could explain.
    const newWindow =
      !known || ticket.sentAt >= known.windowEnd || remaining > known.remaining + this.inFlight + 1;
    const windowEnd = newWindow ? end : Math.min(known.windowEnd, end);
    this.known = { call: ticket.call, remaining, windowEnd };
  }

  /** Nothing sent or waiting: the pacer can be dropped. */
  get idle(): boolean {
    return this.inFlight === 0;
  }
}
