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
