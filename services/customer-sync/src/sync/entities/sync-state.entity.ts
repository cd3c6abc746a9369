import { int64AsNumber } from '@pos-tripletex/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where a company's full sync stands (on the wire in GET …/customers/sync-status): IDLE until the
 * integration is first active, PENDING when one is scheduled, RUNNING while its pages are read
 * (over several turns), DONE after the last page, FAILED after a failed turn (it resumes at its
 * recorded page once retry_at has passed). The one list of the names, for SQL and TS alike.
 */
export const FullSyncStatuses = {
  IDLE: 'IDLE',
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  DONE: 'DONE',
  FAILED: 'FAILED',
} as const;
export type FullSyncStatus = (typeof FullSyncStatuses)[keyof typeof FullSyncStatuses];

/**
 * Where a company's webhook subscriptions stand in Tripletex (on the wire in GET
 * …/customers/sync-status as `webhooks.status`; README "Webhook subscriptions" has the diagram):
 * NONE – none, none wanted (never active, or deactivated and deleted);
 * PENDING – to be created (activated; or a transient failure, retried at `webhookRetryAt`);
 * ACTIVE – created and, when last checked, ACTIVE in Tripletex;
 * REFUSED – Tripletex refused to create them (wrong or non-https URL, missing entitlement: its
 *   message in `webhookDetail`), created again after a backoff;
 * DISABLED – Tripletex disabled them (DISABLED_TOO_MANY_ERRORS, …) and re-enabling failed; tried
 *   again after a backoff;
 * DELETING – the integration was deactivated: to be deleted with the last token we had;
 * DELETE_FAILED – deleting them failed for good (reported in `webhookDetail`).
 * Polling keeps the customer list current in every one of them.
 */
export const WebhookStatuses = {
  NONE: 'NONE',
  PENDING: 'PENDING',
  ACTIVE: 'ACTIVE',
  REFUSED: 'REFUSED',
  DISABLED: 'DISABLED',
  DELETING: 'DELETING',
  DELETE_FAILED: 'DELETE_FAILED',
} as const;
export type WebhookStatus = (typeof WebhookStatuses)[keyof typeof WebhookStatuses];

/** A full sync with pages still to read: the worker gives it turns. */
export const FULL_SYNC_UNFINISHED: readonly FullSyncStatus[] = [
  FullSyncStatuses.PENDING,
  FullSyncStatuses.RUNNING,
  FullSyncStatuses.FAILED,
];

/** Where each company's synchronisation stands, so it resumes exactly where it stopped. */
@Entity({ name: 'sync_states' })
export class SyncStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_sync_states' })
  companyId!: string;

  /**
   * The claim holding the company for sync work, until when, and when it was last served (the
   * claim SQL in SyncRunLifecycle owns these: never selected, inserted or updated through the entity, so saving a
   * state loaded earlier can never shorten a lease the heartbeat just extended).
   */
  @Column({ type: 'uuid', nullable: true, select: false, insert: false, update: false })
  leaseOwner?: string | null;

  @Column({ type: 'timestamptz', nullable: true, select: false, insert: false, update: false })
  leaseUntil?: Date | null;

  @Column({ type: 'timestamptz', nullable: true, select: false, insert: false, update: false })
  servedAt?: Date | null;

  /** The integration is ACTIVE: customers are synced and served. */
  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  tripletexCompanyId!: number | null;

  /** The employee token as it came in integration.config.v1 (ciphertext; kept to unsubscribe). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  tokenKeyId!: string | null;

  @Column({ type: 'text', nullable: true })
  tokenCiphertext!: string | null;

  /** Webhook secrets (sealed with the key ring): the auth header value and the HMAC secret. */
  @Column({ type: 'jsonb', nullable: true })
  webhookSecrets!: {
    authHeader: { keyId: string; value: string };
    hmac: { keyId: string; value: string };
  } | null;

  /** Our subscriptions in Tripletex, by event. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  subscriptionIds!: Record<string, number>;

  @Column({ type: 'boolean', default: false })
  needsSubscription!: boolean;

  @Column({ type: 'boolean', default: false })
  needsUnsubscription!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  subscribedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, default: WebhookStatuses.NONE })
  webhookStatus!: WebhookStatus;

  /** What Tripletex said last: a refusal's message, the status it disabled them with, … */
  @Column({ type: 'text', nullable: true })
  webhookDetail!: string | null;

  /** When the subscriptions were last looked at in Tripletex. */
  @Column({ type: 'timestamptz', nullable: true })
  webhookCheckedAt!: Date | null;

  /** A refused, disabled or failed subscription is tried again from this moment (backoff). */
  @Column({ type: 'timestamptz', nullable: true })
  webhookRetryAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  webhookFailures!: number;

  @Column({ type: 'varchar', length: 10, default: FullSyncStatuses.IDLE })
  fullSyncStatus!: FullSyncStatus;

  @Column({ type: 'integer', default: 0 })
  fullSyncGeneration!: number;

  /** Resume point of a running full sync: which pass (active/inactive customers) and offset. */
  @Column({ type: 'boolean', default: false })
  fullSyncInactivePass!: boolean;

  @Column({ type: 'integer', default: 0 })
  fullSyncFrom!: number;

  @Column({ type: 'integer', default: 0 })
  fullSyncPages!: number;

  @Column({ type: 'integer', default: 0 })
  fullSyncCustomers!: number;

  @Column({ type: 'timestamptz', nullable: true })
  fullSyncStartedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  fullSyncFinishedAt!: Date | null;

  /** Customers changed since this moment are fetched by the next incremental sync. */
  @Column({ type: 'timestamptz', nullable: true })
  changedSinceCursor!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  changedSinceRunAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastErrorAt!: Date | null;

  /** After a failure: not before this moment (backoff). */
  @Column({ type: 'timestamptz', nullable: true })
  retryAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  failures!: number;
}
