import { setTimeout as sleep } from 'node:timers/promises';
import { WorkLoop } from './work-loop';

/** A queue of numbers to claim from, and a record of what ran and how many at once. */
function harness(items: number[], concurrency = 3) {
  const queue = [...items];
  const done: number[] = [];
  const errors: unknown[][] = [];
  let inFlight = 0;
  let peak = 0;
  const loop = new WorkLoop<number>({
    name: 'test worker',
    concurrency: () => concurrency,
    claim: async (limit) => queue.splice(0, limit),
    handle: async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(n);
      inFlight--;
      if (n === 13) throw new Error('unlucky');
      done.push(n);
    },
    describe: (n) => ({ item: n }),
    logger: { error: (...args: unknown[]) => errors.push(args) },
  });
  return { loop, queue, done, errors, peak: () => peak };
}

describe('WorkLoop', () => {
  it('works through everything claimable, never more than the concurrency at once', async () => {
    const h = harness([5, 1, 8, 2, 3, 9, 1, 4, 6, 2]);
    h.loop.nudge();
    await h.loop.idle();
    expect(h.done.sort((a, b) => a - b)).toEqual([1, 1, 2, 2, 3, 4, 5, 6, 8, 9]);
    expect(h.peak()).toBe(3);
  });

  it('keeps the slots full: a slow item does not hold up the ones behind it', async () => {
    const h = harness([200, 1, 1, 1, 1, 1, 1], 2);
    const started = Date.now();
    h.loop.nudge();
    await sleep(100);
    expect(h.done).toEqual([1, 1, 1, 1, 1, 1]); // all short ones finished beside the slow one
    await h.loop.idle();
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('logs a failed item with its fields and goes on with the others', async () => {
    const h = harness([13, 2, 3]);
    h.loop.nudge();
    await h.loop.idle();
    expect(h.done.sort()).toEqual([2, 3]);
    expect(h.errors).toEqual([[{ item: 13 }, 'test worker: unlucky']]);
  });

  it('picks up work that arrives during a pass', async () => {
    const h = harness([20]);
    h.loop.nudge();
    h.queue.push(1); // arrives while the first pass still runs…
    h.loop.nudge(); // …and its nudge is not lost
    await sleep(60);
    expect(h.done.sort((a, b) => a - b)).toEqual([1, 20]);
  });

  it('claims nothing after stop() and waits for the items in progress', async () => {
    const h = harness([30, 30, 30, 30, 30], 2);
    h.loop.nudge();
    await sleep(5);
    await h.loop.stop();
    expect(h.done).toEqual([30, 30]);
    expect(h.queue).toEqual([30, 30, 30]);
    h.loop.nudge();
    await h.loop.idle();
    expect(h.done).toHaveLength(2);
  });
});

describe('WorkLoop under pressure', () => {
  it('claims new work at once for a free slot while slow items are in progress', async () => {
    const queue: number[] = [500, 500];
    const done: number[] = [];
    const loop = new WorkLoop<number>({
      name: 'fair worker',
      concurrency: () => 4,
      claim: async (limit) => queue.splice(0, limit),
      handle: async (n) => {
        await sleep(n);
        done.push(n);
      },
      logger: { error: () => undefined },
    });
    loop.nudge();
    await sleep(20);
    queue.push(1); // another company's work arrives while the slow ones run
    loop.nudge();
    await sleep(100);
    expect(done).toEqual([1]);
    await loop.stop();
  });

  it('survives failing passes, logs the first and every 20th, and works again afterwards', async () => {
    let down = true;
    const pending = [1, 2, 3];
    const errors: unknown[] = [];
    const logs: unknown[] = [];
    const done: number[] = [];
    const loop = new WorkLoop<number>({
      name: 'outage worker',
      concurrency: () => 2,
      claim: async (limit) => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return pending.splice(0, limit);
      },
      handle: async (n) => {
        done.push(n);
      },
      logger: { error: (m: unknown) => errors.push(m), log: (m: unknown) => logs.push(m) },
    });
    for (let i = 0; i < 25; i++) {
      loop.nudge();
      await loop.idle();
    }
    expect(errors).toHaveLength(2); // the 1st and the 20th
    down = false;
    for (let i = 0; i < 3; i++) {
      loop.nudge();
      await loop.idle();
    }
    expect(done.sort()).toEqual([1, 2, 3]);
    expect(logs).toEqual([expect.stringContaining('works again after 25 failed pass(es)')]);
  });

  it('runs a periodic job once per tick, never twice at once, through its failures', async () => {
    let runs = 0;
    let concurrent = 0;
    let peak = 0;
    const errors: unknown[] = [];
    const job = WorkLoop.periodic(
      'retention',
      async () => {
        runs++;
        concurrent++;
        peak = Math.max(peak, concurrent);
        await sleep(15);
        concurrent--;
        if (runs === 2) throw new Error('database away');
      },
      { error: (m: unknown) => errors.push(m) },
    );
    job.start(5, { now: true });
    await sleep(120);
    await job.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(peak).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe('WorkLoop.periodic', () => {
  it('runs again right after a run when nudged during it (nothing waits for the next tick)', async () => {
    let runs = 0;
    const job = WorkLoop.periodic(
      'relay',
      async () => {
        runs++;
        await sleep(30);
      },
      { error: () => undefined },
    );
    job.nudge();
    await sleep(10);
    job.nudge(); // new work written while the first run is under way
    await sleep(100);
    expect(runs).toBe(2);
    await job.stop();
  });
});
