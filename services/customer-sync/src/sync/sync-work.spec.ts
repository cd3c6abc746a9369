import { FullSyncStatus, FullSyncStatuses } from './entities/sync-state.entity';
import { dueWork } from './sync-work';

const { IDLE, PENDING, RUNNING, DONE, FAILED } = FullSyncStatuses;

const state = (
  change: Partial<{
    needsUnsubscription: boolean;
    active: boolean;
    needsSubscription: boolean;
    fullSyncStatus: FullSyncStatus;
  }> = {},
) => ({
  needsUnsubscription: false,
  active: true,
  needsSubscription: false,
  fullSyncStatus: DONE as FullSyncStatus,
  ...change,
});

describe(dueWork.name, () => {
  it('unsubscribes a deactivated company before anything else', () => {
    expect(dueWork(state({ needsUnsubscription: true, active: false }))).toBe('unsubscribe');
    expect(dueWork(state({ needsUnsubscription: true, needsSubscription: true }))).toBe(
      'unsubscribe',
    );
  });

  it('does nothing for an inactive company', () => {
    expect(dueWork(state({ active: false, fullSyncStatus: PENDING }))).toBeUndefined();
  });

  it('subscribes to webhooks before the full sync runs', () => {
    expect(dueWork(state({ needsSubscription: true, fullSyncStatus: PENDING }))).toBe('subscribe');
  });

  it('runs a pending, running or failed full sync', () => {
    for (const fullSyncStatus of [PENDING, RUNNING, FAILED])
      expect(dueWork(state({ fullSyncStatus }))).toBe('full');
  });

  it('keeps a synced company in step with incremental runs', () => {
    expect(dueWork(state({ fullSyncStatus: DONE }))).toBe('changed-since');
  });

  it('has nothing to do before the first full sync is scheduled', () => {
    expect(dueWork(state({ fullSyncStatus: IDLE }))).toBeUndefined();
  });
});

describe(`${dueWork.name} with webhook states`, () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const at = (secondsFromNow: number) => new Date(now.getTime() + secondsFromNow * 1000);
  const timing = { webhooks: true, now, checkEveryMs: 600_000 };

  it('runs the full sync while a refused subscription waits for its retry', () => {
    const refused = {
      ...state({ needsSubscription: true, fullSyncStatus: PENDING }),
      webhookStatus: 'REFUSED' as const,
      webhookRetryAt: at(60),
    };
    expect(dueWork(refused, timing)).toBe('full');
    expect(dueWork({ ...refused, fullSyncStatus: DONE }, timing)).toBe('changed-since');
    expect(dueWork({ ...refused, webhookRetryAt: at(-1) }, timing)).toBe('subscribe');
  });

  it('only polls when the deployment has no webhooks', () => {
    expect(
      dueWork(state({ needsSubscription: true, fullSyncStatus: PENDING }), {
        ...timing,
        webhooks: false,
      }),
    ).toBe('full');
  });

  it('looks at active or disabled subscriptions in Tripletex when a check is due', () => {
    const active = { ...state(), webhookStatus: 'ACTIVE' as const, webhookCheckedAt: at(-601) };
    expect(dueWork(active, timing)).toBe('check-webhooks');
    expect(dueWork({ ...active, webhookCheckedAt: at(-10) }, timing)).toBe('changed-since');
    const disabled = { ...active, webhookStatus: 'DISABLED' as const };
    expect(dueWork(disabled, timing)).toBe('check-webhooks');
    expect(dueWork({ ...disabled, webhookRetryAt: at(30) }, timing)).toBe('changed-since');
    expect(dueWork({ ...active, active: false }, timing)).toBeUndefined();
  });
});
