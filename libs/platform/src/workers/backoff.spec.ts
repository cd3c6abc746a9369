import { backoffDelay } from './backoff';

describe(backoffDelay.name, () => {
  const policy = { firstMs: 1000, maxMs: 600_000 };

  it('waits between half and all of the window, which doubles with each attempt', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(500);
    expect(backoffDelay(policy, 1, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 4, () => 1)).toBe(8000);
    expect(backoffDelay(policy, 4, () => 0.5)).toBe(6000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(backoffDelay(policy, 11, () => 1)).toBe(600_000);
    expect(backoffDelay(policy, 10_000, () => 1)).toBe(600_000);
  });

  it('treats attempt 0 (nothing failed yet) as the first', () => {
    expect(backoffDelay(policy, 0, () => 1)).toBe(1000);
  });
});
