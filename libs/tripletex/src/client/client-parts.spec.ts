import { paginate } from './paginate';
import { backoffDelay, DEFAULT_RETRY, rateLimitDelay } from './retry-policy';
import { Semaphore } from './semaphore';
import { SessionToken } from '../types';
import { SessionTokens } from './session-tokens';

describe('retry delays', () => {
  it('back off exponentially with jitter within the cap', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0)).toBe(250);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 1)).toBe(500);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 1)).toBe(2000);
    expect(backoffDelay(DEFAULT_RETRY, 20, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('wait for the rate-limit reset when Tripletex says it, and back off when it does not', () => {
    expect(rateLimitDelay(DEFAULT_RETRY, 1, 3, () => 0)).toBe(3000);
    expect(rateLimitDelay(DEFAULT_RETRY, 1, 0, () => 1)).toBe(250);
    expect(rateLimitDelay(DEFAULT_RETRY, 2, undefined, () => 1)).toBe(1000);
  });
});

describe(paginate.name, () => {
  it('fetches page by page and stops at the first short page, ignoring fullResultSize', async () => {
    const all = Array.from({ length: 25 }, (_, i) => i);
    const asked: [number, number][] = [];
    const items: number[] = [];
    for await (const item of paginate<number>(async (from, count) => {
      asked.push([from, count]);
      return { fullResultSize: 3, from, count, values: all.slice(from, from + count) };
    }, 10)) {
      items.push(item);
    }
    expect(items).toEqual(all);
    expect(asked).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
  });

  it('does not fetch the next page before the consumer asks for it', async () => {
    let fetched = 0;
    const it = paginate<number>(async (from, count) => {
      fetched++;
      return { values: Array.from({ length: count }, (_, i) => from + i) };
    }, 5);
    await it.next();
    expect(fetched).toBe(1);
    await it.return(undefined);
  });
});

describe(Semaphore.name, () => {
  it('never runs more than its limit at once', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe(SessionTokens.name, () => {
  const session = (token: string, expirationDate: string): SessionToken => ({
    token,
    expirationDate,
  });

  it('creates one session for concurrent callers and reuses it until a day before it expires', async () => {
    let now = new Date('2026-11-25T10:00:00+01:00');
    const created: string[] = [];
    const tokens = new SessionTokens(
      async (employeeToken, expirationDate) => {
        created.push(expirationDate);
        return session(`s${created.length}`, expirationDate);
      },
      () => now,
      7,
      24 * 3600 * 1000,
    );
    const [a, b] = await Promise.all([tokens.get('c1', 'e'), tokens.get('c1', 'e')]);
    expect([a, b]).toEqual(['s1', 's1']);
    expect(created).toEqual(['2026-12-02']);
    now = new Date('2026-11-30T23:59:00+01:00');
    expect(await tokens.get('c1', 'e')).toBe('s1');
    // Renewed a day before midnight (Oslo) starting 2026-12-02.
    now = new Date('2026-12-01T00:00:01+01:00');
    expect(await tokens.get('c1', 'e')).toBe('s2');
  });

  it('uses the date in Oslo, not UTC, for the expiration date', () => {
    const tokens = new SessionTokens(
      async () => session('x', ''),
      () => new Date('2026-11-24T23:30:00Z'),
      7,
      0,
    );
    expect(tokens.expirationDate()).toBe('2026-12-02'); // already 25 Nov in Oslo
  });

  it('forgets a refused session so the next call creates a new one', async () => {
    let n = 0;
    const tokens = new SessionTokens(
      async (_e, d) => session(`s${++n}`, d),
      () => new Date(),
      7,
      0,
    );
    const first = await tokens.get('c1', 'e');
    tokens.invalidate('c1', 'not-the-cached-one');
    expect(await tokens.get('c1', 'e')).toBe(first);
    tokens.invalidate('c1', first);
    expect(await tokens.get('c1', 'e')).not.toBe(first);
  });
});

describe('pathTemplate', () => {
  it('replaces ids so each operation is one metrics series', () => {
    const { pathTemplate } =
      jest.requireActual<typeof import('./tripletex-http')>('./tripletex-http');
    expect(pathTemplate('/ledger/voucher/123/:reverse')).toBe('/ledger/voucher/{id}/:reverse');
    expect(pathTemplate('/customer/42')).toBe('/customer/{id}');
    expect(pathTemplate('/ledger/voucher/>externalVoucherNumber')).toBe(
      '/ledger/voucher/>externalVoucherNumber',
    );
    expect(pathTemplate('/token/session/:create')).toBe('/token/session/:create');
  });
});
