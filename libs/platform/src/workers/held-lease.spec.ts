import { setTimeout as sleep } from 'node:timers/promises';
import { HeldLease, LeaseLostError } from './held-lease';

describe(HeldLease.name, () => {
  it('extends the lease while the work runs, longer than the lease itself', async () => {
    let extensions = 0;
    const lease = HeldLease.hold('day d1', {
      leaseMs: 90,
      extend: async () => {
        extensions++;
        return true;
      },
    });
    await sleep(300); // more than three lease lengths of work
    expect(lease.lost).toBe(false);
    expect(() => lease.throwIfLost()).not.toThrow();
    await lease.release();
    expect(extensions).toBeGreaterThanOrEqual(5);
  });

  it('gives up at once when the row has another owner', async () => {
    const warnings: unknown[] = [];
    const lease = HeldLease.hold('invoice i1', {
      leaseMs: 90,
      extend: async () => false,
      logger: { warn: (m: unknown) => warnings.push(m) },
    });
    await sleep(60);
    expect(lease.signal.aborted).toBe(true);
    expect(() => lease.throwIfLost()).toThrow(LeaseLostError);
    expect(warnings).toEqual([expect.stringContaining('another owner has it')]);
    await lease.release();
  });

  it('keeps trying through a database outage and gives up only once the lease ran out', async () => {
    let down = true;
    const lease = HeldLease.hold('run r1', {
      leaseMs: 90,
      everyMs: 20,
      extend: async () => {
        if (down) throw new Error('connect ECONNREFUSED');
        return true;
      },
    });
    await sleep(50);
    expect(lease.lost).toBe(false); // still within the lease
    down = false;
    await sleep(120);
    expect(lease.lost).toBe(false); // extended again once the database answered
    down = true;
    await sleep(160);
    expect(lease.lost).toBe(true);
    expect(lease.signal.aborted).toBe(true);
    await lease.release();
  });
});
