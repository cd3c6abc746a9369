import {
  FULL_SYNC_UNFINISHED,
  FullSyncStatuses,
  SyncStateEntity,
} from './entities/sync-state.entity';

/** The kinds of sync work a company's turn can do (the `kind` label of the runs metric). */
export type SyncWorkKind = 'unsubscribe' | 'subscribe' | 'full' | 'changed-since';

/**
 * What a claimed company's turn does, one thing at a time: a deactivated company is unsubscribed;
 * an active one is subscribed first, then its full sync runs (over several turns), then the
 * incremental runs keep it in step. Nothing for an inactive company or an IDLE full sync.
 */
export function dueWork(
  state: Pick<
    SyncStateEntity,
    'needsUnsubscription' | 'active' | 'needsSubscription' | 'fullSyncStatus'
  >,
): SyncWorkKind | undefined {
  if (state.needsUnsubscription) return 'unsubscribe';
  if (!state.active) return undefined;
  if (state.needsSubscription) return 'subscribe';
  if (FULL_SYNC_UNFINISHED.includes(state.fullSyncStatus)) return 'full';
  if (state.fullSyncStatus === FullSyncStatuses.DONE) return 'changed-since';
  return undefined;
}
