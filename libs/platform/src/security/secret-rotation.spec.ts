import { Logger } from '@nestjs/common';
import { metricsRegistry } from '../metrics/metrics';
import { SecretRotation } from './secret-rotation';

/** A store of rows keyed k000…, stale until re-sealed; `broken` ones never open. */
class FakeStore extends SecretRotation {
  readonly store = 'fake_table';
  readonly stale = new Set<string>();
  protected get intervalMs(): number {
    return 3_600_000;
  }

  constructor(
    rows: number,
    private readonly broken = new Set<string>(),
  ) {
    super();
    for (let n = 0; n < rows; n++) this.stale.add(`k${String(n).padStart(3, '0')}`);
  }

  countStale(): Promise<number> {
    return Promise.resolve(this.stale.size);
  }

  resealPage(after: string, limit: number): Promise<{ keys: string[]; resealed: number }> {
    const keys = [...this.stale]
      .filter((key) => key > after)
      .sort()
      .slice(0, limit);
    let resealed = 0;
    for (const key of keys) {
      const done = this.resealedOrNull(key, 'the secret', () => {
        if (this.broken.has(key)) throw new Error(`no encryption key for ${key}`);
        return this.stale.delete(key);
      });
      if (done) resealed++;
    }
    return Promise.resolve({ keys, resealed });
  }
}

const gaugeOf = async (store: string): Promise<number | null> =>
  (await metricsRegistry.getSingleMetric('pos_sealed_secrets_stale')!.get()).values.find(
    (value) => value.labels.store === store,
  )?.value ?? null;

describe(SecretRotation.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('re-seals every stale row page by page; a row that does not open is logged and holds up nothing', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const store = new FakeStore(250, new Set(['k000', 'k150']));
    expect(await store.pass()).toBe(248);
    expect([...store.stale]).toEqual(['k000', 'k150']);
    expect(errors).toHaveBeenCalledWith(
      { companyId: 'k150' },
      'the secret of k150 cannot be re-sealed: no encryption key for k150',
    );
    // Idempotent: a second pass finds only what cannot be opened.
    expect(await store.pass()).toBe(0);
  });

  it('counts what is left in pos_sealed_secrets_stale while it runs, and stops counting after', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const store = new FakeStore(3, new Set(['k001']));
    store.onApplicationBootstrap(); // a pass at once
    await store.pass();
    expect(await gaugeOf('fake_table')).toBe(1);
    await store.onApplicationShutdown();
    expect(await gaugeOf('fake_table')).toBeNull();
  });
});
