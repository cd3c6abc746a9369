import {
  FULL_SYNC_UNFINISHED,
  FullSyncStatuses,
  SyncStateEntity,
  WebhookStatuses,
} from './entities/sync-state.entity';

/** The kinds of sync work a company's turn can do (the `kind` label of the runs metric). */
export type SyncWorkKind =
  'unsubscribe' | 'subscribe' | 'check-webhooks' | 'full' | 'changed-since';

/** What decides whether webhook work is due, besides the state. */
export interface WebhookTiming {
  /** This deployment has webhooks (WEBHOOK_PUBLIC_URL set); without, it only polls. */
  webhooks: boolean;
  now: Date;
  /** Subscriptions are looked at in Tripletex this often (WEBHOOK_CHECK_INTERVAL_SECONDS). */
  checkEveryMs: number;
}

type WorkState = Pick<
  SyncStateEntity,
  'needsUnsubscription' | 'active' | 'needsSubscription' | 'fullSyncStatus'
> &
  Partial<Pick<SyncStateEntity, 'webhookStatus' | 'webhookRetryAt' | 'webhookCheckedAt'>>;

/**
 * What a claimed company's turn does, one thing at a time: a deactivated company is unsubscribed;
 * for an active one, subscribing comes first when it is due (not while a refused or failed
 * subscription waits for its retry), then a due look at the subscriptions in Tripletex, then its
 * full sync (over several turns), then the incremental runs keep it in step. The syncs never wait
 * for the subscriptions: a company without webhooks is kept current by polling. Nothing for an
 * inactive company or an IDLE full sync.
 */
export function dueWork(
  state: WorkState,
  timing: WebhookTiming = { webhooks: true, now: new Date(), checkEveryMs: Infinity },
): SyncWorkKind | undefined {
  if (state.needsUnsubscription) return 'unsubscribe';
  if (!state.active) return undefined;
  const now = timing.now.getTime();
  const retryDue = !state.webhookRetryAt || state.webhookRetryAt.getTime() <= now;
  if (timing.webhooks && state.needsSubscription && retryDue) return 'subscribe';
  if (
    timing.webhooks &&
    (state.webhookStatus === WebhookStatuses.ACTIVE ||
      state.webhookStatus === WebhookStatuses.DISABLED) &&
    retryDue &&
    (!state.webhookCheckedAt || state.webhookCheckedAt.getTime() + timing.checkEveryMs <= now)
  )
    return 'check-webhooks';
  if (FULL_SYNC_UNFINISHED.includes(state.fullSyncStatus)) return 'full';
  if (state.fullSyncStatus === FullSyncStatuses.DONE) return 'changed-since';
  return undefined;
}
