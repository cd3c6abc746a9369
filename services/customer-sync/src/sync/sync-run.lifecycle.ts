import { Injectable } from '@nestjs/common';
import { TokenRejections } from '@pos-tripletex/company-settings';
import { EncryptedSecret, staleSecretSql } from '@pos-tripletex/platform';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SERVICE_NAME } from '../bootstrap';
import { CustomerSyncErrors } from '../customer-sync.errors';
import {
  FullSyncStatuses,
  SyncStateEntity,
  WebhookStatus,
  WebhookStatuses,
} from './entities/sync-state.entity';

const { IDLE, PENDING, RUNNING, DONE, FAILED } = FullSyncStatuses;

/**
 * Claims companies with due work, the least recently served first (round-robin), each with a lease
 * held by heartbeat: $1 at most, a lease of $2 s, $3/$4 the changed-since interval and the
 * settle time, $5 the webhook check interval (seconds), $6 whether this deployment has webhooks.
 * A company is worked on by one instance at a time. The syncs never wait for a subscription: only
 * one made moments ago delays the full sync by the settle time (Tripletex's advice).
 */
const CLAIM_DUE_COMPANIES_SQL = `WITH claimed AS (UPDATE sync_states s
  SET lease_owner = gen_random_uuid(), lease_until = now() + make_interval(secs => $2), served_at = now()
  WHERE s.company_id IN (
    SELECT company_id FROM sync_states
    WHERE (lease_until IS NULL OR lease_until < now())
      AND (retry_at IS NULL OR retry_at <= now()) AND (
        needs_unsubscription
        OR (active AND token_ciphertext IS NOT NULL AND (
          ($6 AND needs_subscription AND (webhook_retry_at IS NULL OR webhook_retry_at <= now()))
          OR ($6 AND webhook_status IN ('${WebhookStatuses.ACTIVE}', '${WebhookStatuses.DISABLED}')
            AND (webhook_retry_at IS NULL OR webhook_retry_at <= now())
            AND (webhook_checked_at IS NULL OR webhook_checked_at <= now() - make_interval(secs => $5)))
          OR (full_sync_status IN ('${PENDING}', '${RUNNING}', '${FAILED}') AND (subscribed_at IS NULL OR subscribed_at <= now() - make_interval(secs => $4)))
          OR (full_sync_status = '${DONE}' AND (changed_since_run_at IS NULL OR changed_since_run_at < now() - make_interval(secs => $3))))))
    ORDER BY served_at NULLS FIRST, company_id
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
  -- Again at the locking level: another instance may have claimed it meanwhile.
  AND (s.lease_until IS NULL OR s.lease_until < now())
  RETURNING s.company_id, s.lease_owner) SELECT company_id, lease_owner FROM claimed`;

const EXTEND_LEASE_SQL = `WITH extended AS (
    UPDATE sync_states SET lease_until = now() + make_interval(secs => $3)
    WHERE company_id = $1 AND lease_owner = $2 RETURNING 1 AS ours
  ) SELECT ours FROM extended`;

const RELEASE_SQL = `UPDATE sync_states SET lease_owner = NULL, lease_until = NULL
  WHERE company_id = $1 AND lease_owner = $2`;

/** Nightly reconciliation: a finished full sync older than $1 hours starts again (a new generation). */
const SCHEDULE_RECONCILIATIONS_SQL = `UPDATE sync_states SET full_sync_status = '${PENDING}', full_sync_generation = full_sync_generation + 1,
    full_sync_inactive_pass = false, full_sync_from = 0, full_sync_pages = 0, full_sync_customers = 0,
    full_sync_started_at = NULL, full_sync_finished_at = NULL
  WHERE active AND full_sync_status = '${DONE}' AND full_sync_finished_at < now() - make_interval(hours => $1)`;

/** A row with a stale secret ($1 the active key id): its token copy or a webhook secret. */
const STALE_SECRETS_SQL = [
  staleSecretSql('token_key_id', 'token_ciphertext', '$1'),
  ...['authHeader', 'hmac'].map((secret) =>
    staleSecretSql(
      `webhook_secrets->'${secret}'->>'keyId'`,
      `webhook_secrets->'${secret}'->>'value'`,
      '$1',
    ),
  ),
].join(' OR ');

/** The sealed secrets a company's sync state keeps (see SyncSecretsRotation). */
export interface SealedSyncSecrets {
  token: EncryptedSecret | null;
  webhookSecrets: WebhookSecrets | null;
}

/** A company claimed for sync work, by the lease's owner token. */
export interface SyncClaim {
  companyId: string;
  leaseOwner: string;
}

/** How the worker claims: the lease, and when done work becomes due again. */
export interface ClaimTiming {
  leaseSeconds: number;
  /** An incremental run is due this long after the last one. */
  changedSinceEverySeconds: number;
  /** A full sync waits this long after subscribing (Tripletex's advice). */
  settleSeconds: number;
  /** Subscriptions are looked at in Tripletex this often. */
  webhookCheckSeconds: number;
  /** The deployment has webhooks (WEBHOOK_PUBLIC_URL); without, only polling. */
  webhooks: boolean;
}

/** The webhook secrets, sealed with the key ring for the company. */
export type WebhookSecrets = NonNullable<SyncStateEntity['webhookSecrets']>;

/**
 * The sync state of a company (`sync_states`, one row per company): whether it is served, its
 * webhook subscriptions, its full sync (IDLE → PENDING → RUNNING → DONE / FAILED, resumable page by
 * page), its incremental runs, its failures with their retry_at backoff, and the lease of the
 * instance working on it. Every statement on the row is here; each method is one named
 * transition, called in the transaction the caller passes (or its own).
 */
@Injectable()
export class SyncRunLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokenRejections: TokenRejections,
  ) {}

  load(
    companyId: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<SyncStateEntity | null> {
    return tx.getRepository(SyncStateEntity).findOne({ where: { companyId } });
  }

  /** Customers are served only while the integration is active (409 otherwise). */
  async requireActive(companyId: string): Promise<void> {
    const state = await this.load(companyId);
    if (!state?.active) throw CustomerSyncErrors.notActive();
  }

  // ---- settings (in the transaction that stores integration.config.v1) --------------------------

  /** The company's state, locked for the settings transaction; a new, inactive one if none exists. */
  async lockForSettings(tx: EntityManager, companyId: string): Promise<SyncStateEntity> {
    const repo = tx.getRepository(SyncStateEntity);
    return (
      (await repo.findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } })) ??
      repo.create({
        companyId,
        active: false,
        subscriptionIds: {},
        fullSyncStatus: IDLE,
        fullSyncGeneration: 0,
      })
    );
  }

  /**
   * ACTIVE: served, with the token it came with; new webhook secrets mean (re)subscribing, and a
   * full sync is scheduled when asked. A failure's backoff is forgotten.
   */
  async activated(
    tx: EntityManager,
    state: SyncStateEntity,
    change: {
      tripletexCompanyId: number | null;
      token?: EncryptedSecret;
      webhookSecrets?: WebhookSecrets;
      fullSync: boolean;
    },
  ): Promise<void> {
    state.active = true;
    state.tripletexCompanyId = change.tripletexCompanyId;
    if (change.token) this.keepToken(state, change.token);
    if (change.webhookSecrets) {
      state.webhookSecrets = change.webhookSecrets;
      state.needsSubscription = true;
      Object.assign(state, {
        webhookStatus: WebhookStatuses.PENDING,
        webhookDetail: null,
        webhookRetryAt: null,
        webhookFailures: 0,
      });
    }
    if (change.fullSync) this.scheduleFullSync(state);
    state.retryAt = null;
    state.failures = 0;
    await this.save(state, tx);
  }

  /** NEEDS_ATTENTION: everything is kept (and a new token stored) until a new version comes. */
  async needsAttention(
    tx: EntityManager,
    state: SyncStateEntity,
    token: EncryptedSecret | undefined,
  ): Promise<void> {
    if (token) this.keepToken(state, token);
    await this.save(state, tx);
  }

  /**
   * INACTIVE: served no more, and every use of the token ends – a running sync stops before its
   * next call (it finds the row inactive), a pending full sync is dropped. Our subscriptions are
   * to be deleted (the one use left of the last token we had); without any, the token goes now.
   */
  async deactivated(tx: EntityManager, state: SyncStateEntity): Promise<void> {
    const subscribed = Object.keys(state.subscriptionIds).length > 0;
    Object.assign(state, {
      active: false,
      needsSubscription: false,
      needsUnsubscription: subscribed,
      webhookStatus: subscribed ? WebhookStatuses.DELETING : WebhookStatuses.NONE,
      webhookRetryAt: null,
      webhookFailures: 0,
      retryAt: null,
      failures: 0,
    });
    if (!subscribed)
      Object.assign(state, { tokenKeyId: null, tokenCiphertext: null, webhookSecrets: null });
    if (state.fullSyncStatus === PENDING || state.fullSyncStatus === RUNNING)
      state.fullSyncStatus = IDLE;
    await this.save(state, tx);
  }

  /** Whether the company is active, its row locked (shared) for the rest of `tx`. */
  async isActive(companyId: string, tx: EntityManager): Promise<boolean> {
    const [row] = await tx.query<{ active: boolean }[]>(
      'SELECT active FROM sync_states WHERE company_id = $1 FOR SHARE',
      [companyId],
    );
    return row?.active === true;
  }

  // ---- key rotation -------------------------------------------------------------------------------

  /**
   * The rows with a stale secret (sealed with another key than `activeKeyId`, or in the legacy
   * format) of up to `limit` companies after `after`, in company order, each locked – one another
   * transaction holds (a settings change, another instance's pass) is skipped – and re-sealed by
   * `reseal` (null: left as it is). Only the secret columns are written.
   */
  resealStaleSecrets(
    activeKeyId: string,
    page: { after: string; limit: number },
    reseal: (companyId: string, secrets: SealedSyncSecrets) => SealedSyncSecrets | null,
  ): Promise<{ keys: string[]; resealed: number }> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<
        {
          company_id: string;
          token_key_id: string | null;
          token_ciphertext: string | null;
          webhook_secrets: WebhookSecrets | null;
        }[]
      >(
        `SELECT company_id, token_key_id, token_ciphertext, webhook_secrets FROM sync_states
         WHERE company_id > $2 AND (${STALE_SECRETS_SQL})
         ORDER BY company_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [activeKeyId, page.after, page.limit],
      );
      let resealed = 0;
      for (const row of rows) {
        const next = reseal(row.company_id, {
          token:
            row.token_key_id && row.token_ciphertext
              ? { keyId: row.token_key_id, value: row.token_ciphertext }
              : null,
          webhookSecrets: row.webhook_secrets,
        });
        if (!next) continue;
        await tx.query(
          `UPDATE sync_states SET token_key_id = $2, token_ciphertext = $3, webhook_secrets = $4::jsonb
           WHERE company_id = $1`,
          [
            row.company_id,
            next.token?.keyId ?? null,
            next.token?.value ?? null,
            next.webhookSecrets ? JSON.stringify(next.webhookSecrets) : null,
          ],
        );
        resealed++;
      }
      return { keys: rows.map((row) => row.company_id), resealed };
    });
  }

  /** How many companies keep a stale secret (sealed with another key, or in the legacy format). */
  async countStaleSecrets(activeKeyId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM sync_states WHERE ${STALE_SECRETS_SQL}`,
      [activeKeyId],
    );
    return row.n;
  }

  // ---- the guard of a running turn ----------------------------------------------------------------

  /**
   * Throws CUSTOMER_SYNC.SUPERSEDED unless the company is still active (and, for a full sync,
   * still at this generation): checked before every Tripletex call of a running turn, so a
   * deactivation stops it at once. With `tx`, the row is also locked for the rest of that
   * transaction, so a deactivation cannot commit between the check and the write it guards.
   */
  async requireCurrent(
    state: Pick<SyncStateEntity, 'companyId'>,
    generation?: number,
    tx?: EntityManager,
  ): Promise<void> {
    const rows = await (tx ?? this.dataSource.manager).query<
      { active: boolean; full_sync_generation: number }[]
    >(
      `SELECT active, full_sync_generation FROM sync_states WHERE company_id = $1${tx ? ' FOR UPDATE' : ''}`,
      [state.companyId],
    );
    const [row] = rows;
    if (!row?.active || (generation !== undefined && row.full_sync_generation !== generation))
      throw CustomerSyncErrors.superseded(state.companyId);
  }

  // ---- claims (the worker) ----------------------------------------------------------------------

  async claimDue(limit: number, timing: ClaimTiming): Promise<SyncClaim[]> {
    const rows = await this.dataSource.query<{ company_id: string; lease_owner: string }[]>(
      CLAIM_DUE_COMPANIES_SQL,
      [
        limit,
        timing.leaseSeconds,
        timing.changedSinceEverySeconds,
        timing.settleSeconds,
        timing.webhookCheckSeconds,
        timing.webhooks,
      ],
    );
    return rows.map((row) => ({ companyId: row.company_id, leaseOwner: row.lease_owner }));
  }

  /** Extends the lease if it is still ours (false: another owner has the company now). */
  async extendLease(claim: SyncClaim, leaseSeconds: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(EXTEND_LEASE_SQL, [
      claim.companyId,
      claim.leaseOwner,
      leaseSeconds,
    ]);
    return rows.length > 0;
  }

  async release(claim: SyncClaim): Promise<void> {
    await this.dataSource.query(RELEASE_SQL, [claim.companyId, claim.leaseOwner]);
  }

  /** DONE → PENDING for every full sync finished more than `hours` ago (finds missed deletions). */
  async scheduleReconciliations(hours: number): Promise<void> {
    await this.dataSource.query(SCHEDULE_RECONCILIATIONS_SQL, [hours]);
  }

  // ---- webhook subscriptions --------------------------------------------------------------------

  /**
   * PENDING / REFUSED → ACTIVE. False (nothing recorded) when the integration was deactivated
   * meanwhile: the caller deletes what it just created.
   */
  async subscribed(
    state: SyncStateEntity,
    subscriptionIds: Record<string, number>,
  ): Promise<boolean> {
    const change = {
      subscriptionIds,
      needsSubscription: false,
      subscribedAt: new Date(),
      webhookStatus: WebhookStatuses.ACTIVE,
      webhookDetail: null,
      webhookCheckedAt: new Date(),
      webhookRetryAt: null,
      webhookFailures: 0,
    };
    if (!(await this.updateIf({ companyId: state.companyId, active: true }, change))) return false;
    Object.assign(state, change);
    return true;
  }

  /**
   * Creating the subscriptions failed: REFUSED when Tripletex refused them (its message kept),
   * still PENDING after a transient failure; tried again after `retryAfterMs(failures)`.
   */
  async subscriptionFailed(
    state: SyncStateEntity,
    failure: { refused: boolean; detail: string; retryAfterMs: (failures: number) => number },
  ): Promise<void> {
    const failures = state.webhookFailures + 1;
    const change = {
      webhookStatus: failure.refused ? WebhookStatuses.REFUSED : WebhookStatuses.PENDING,
      webhookDetail: failure.detail.slice(0, 2000),
      webhookFailures: failures,
      webhookRetryAt: new Date(Date.now() + failure.retryAfterMs(failures)),
    };
    if (await this.updateIf({ companyId: state.companyId, active: true }, change))
      Object.assign(state, change);
  }

  /**
   * What a look at the subscriptions in Tripletex found: ACTIVE (perhaps just re-enabled, said in
   * `detail`), or DISABLED with a retry after the backoff; `resubscribe` when one is gone.
   */
  async webhooksChecked(
    state: SyncStateEntity,
    outcome: {
      status: WebhookStatus;
      detail: string | null;
      retryAfterMs?: (failures: number) => number;
      resubscribe?: boolean;
    },
  ): Promise<void> {
    const failures = outcome.retryAfterMs ? state.webhookFailures + 1 : 0;
    const change = {
      webhookStatus: outcome.resubscribe ? WebhookStatuses.PENDING : outcome.status,
      webhookDetail: outcome.detail?.slice(0, 2000) ?? null,
      webhookCheckedAt: new Date(),
      webhookFailures: failures,
      webhookRetryAt: outcome.retryAfterMs
        ? new Date(Date.now() + outcome.retryAfterMs(failures))
        : null,
      ...(outcome.resubscribe ? { needsSubscription: true } : {}),
    };
    if (await this.updateIf({ companyId: state.companyId, active: true }, change))
      Object.assign(state, change);
  }

  /**
   * DELETING → NONE (or DELETE_FAILED with the reason, reported): subscriptions gone, and – unless
   * the integration was activated again meanwhile – the secrets and the last token with them.
   */
  async unsubscribed(state: SyncStateEntity, failure?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_states SET subscription_ids = '{}', needs_unsubscription = false, subscribed_at = NULL,
         failures = 0, retry_at = NULL,
         webhook_status = CASE WHEN active THEN webhook_status ELSE $2 END,
         webhook_detail = CASE WHEN active THEN webhook_detail ELSE $3 END,
         webhook_secrets = CASE WHEN active THEN webhook_secrets END,
         token_key_id = CASE WHEN active THEN token_key_id END,
         token_ciphertext = CASE WHEN active THEN token_ciphertext END
       WHERE company_id = $1`,
      [
        state.companyId,
        failure ? WebhookStatuses.DELETE_FAILED : WebhookStatuses.NONE,
        failure?.slice(0, 2000) ?? null,
      ],
    );
  }

  // ---- the full sync ------------------------------------------------------------------------------

  /** PENDING / FAILED → RUNNING (a RUNNING one resumes as it is); SUPERSEDED if overtaken. */
  async fullSyncRunning(state: SyncStateEntity): Promise<void> {
    if (state.fullSyncStatus === RUNNING) return;
    const change = {
      fullSyncStatus: RUNNING,
      fullSyncStartedAt: state.fullSyncStartedAt ?? new Date(),
    };
    await this.updateCurrent(state, change);
    Object.assign(state, change);
  }

  /**
   * One page read, in the transaction that stored its customers: the progress moves on, to the
   * inactive customers' pass after the active ones' last page.
   */
  async pageSynced(
    tx: EntityManager,
    state: SyncStateEntity,
    page: { customers: number; last: boolean },
  ): Promise<void> {
    const change = {
      fullSyncPages: state.fullSyncPages + 1,
      fullSyncCustomers: state.fullSyncCustomers + page.customers,
      fullSyncFrom: state.fullSyncFrom,
      fullSyncInactivePass: state.fullSyncInactivePass,
    };
    if (!page.last) change.fullSyncFrom += page.customers;
    else if (!state.fullSyncInactivePass)
      Object.assign(change, { fullSyncInactivePass: true, fullSyncFrom: 0 });
    await this.updateCurrent(state, change, tx);
    Object.assign(state, change);
  }

  /** RUNNING → DONE: incremental runs take over from `changedSinceCursor`. */
  async fullSyncDone(
    tx: EntityManager,
    state: SyncStateEntity,
    changedSinceCursor: Date,
  ): Promise<void> {
    const change = {
      fullSyncStatus: DONE,
      fullSyncFinishedAt: new Date(),
      changedSinceCursor,
      changedSinceRunAt: new Date(),
      lastError: null,
      failures: 0,
      retryAt: null,
    };
    await this.updateCurrent(state, change, tx);
    Object.assign(state, change);
  }

  /** BackOffice asked for a resync: a full sync is scheduled unless one is PENDING or RUNNING. */
  async requestFullSync(companyId: string): Promise<SyncStateEntity | null> {
    return this.dataSource.transaction(async (tx) => {
      const state = await tx
        .getRepository(SyncStateEntity)
        .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
      if (!state || !state.active) return state;
      if (state.fullSyncStatus !== PENDING && state.fullSyncStatus !== RUNNING)
        this.scheduleFullSync(state);
      state.retryAt = null;
      await this.save(state, tx);
      return state;
    });
  }

  // ---- incremental runs -------------------------------------------------------------------------

  /** The cursor moves on (only while the company is active: a deactivation has the last word). */
  async incrementalDone(state: SyncStateEntity, changedSinceCursor: Date): Promise<void> {
    const change = {
      changedSinceCursor,
      changedSinceRunAt: new Date(),
      lastError: null,
      failures: 0,
      retryAt: null,
    };
    if (await this.updateIf({ companyId: state.companyId, active: true }, change))
      Object.assign(state, change);
  }

  /** The next turn runs an incremental sync (e.g. after webhooks were off for a while). */
  async incrementalDue(state: SyncStateEntity): Promise<void> {
    await this.updateIf({ companyId: state.companyId, active: true }, { changedSinceRunAt: null });
    state.changedSinceRunAt = null;
  }

  // ---- failures -----------------------------------------------------------------------------------

  /**
   * A failed turn: counted, described, not tried again before `retryAfterMs(failures)` (RUNNING →
   * FAILED); a refused token is reported to onboarding in the same transaction.
   */
  async failed(
    companyId: string,
    failure: {
      message: string;
      retryAfterMs: (failures: number) => number;
      tokenRejected: boolean;
    },
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const state = await tx
        .getRepository(SyncStateEntity)
        .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
      if (!state) return;
      state.failures += 1;
      Object.assign(state, {
        lastError: failure.message.slice(0, 2000),
        lastErrorAt: new Date(),
        retryAt: new Date(Date.now() + failure.retryAfterMs(state.failures)),
        fullSyncStatus: state.fullSyncStatus === RUNNING ? FAILED : state.fullSyncStatus,
      });
      await this.save(state, tx);
      if (failure.tokenRejected)
        await this.tokenRejections.report(tx, {
          companyId,
          service: SERVICE_NAME,
          message: failure.message,
        });
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A full sync from the start, with a new generation (it also finds deletions nobody told us of). */
  private scheduleFullSync(state: SyncStateEntity): void {
    state.fullSyncStatus = PENDING;
    state.fullSyncGeneration += 1;
    state.fullSyncInactivePass = false;
    state.fullSyncFrom = 0;
    state.fullSyncPages = 0;
    state.fullSyncCustomers = 0;
    state.fullSyncStartedAt = null;
    state.fullSyncFinishedAt = null;
  }

  private keepToken(state: SyncStateEntity, token: EncryptedSecret): void {
    state.tokenKeyId = token.keyId;
    state.tokenCiphertext = token.value;
  }

  /**
   * Writes only the columns a transition changes, and only while the row still matches
   * `criteria` – never a whole row loaded earlier, which would put back what a newer change (a
   * deactivation, a new generation) wrote meanwhile. True when the row matched.
   */
  private async updateIf(
    criteria: FindOptionsWhere<SyncStateEntity>,
    change: QueryDeepPartialEntity<SyncStateEntity>,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const result = await tx.getRepository(SyncStateEntity).update(criteria, change);
    return (result.affected ?? 0) > 0;
  }

  /** A running full sync's transition: SUPERSEDED when deactivated or restarted meanwhile. */
  private async updateCurrent(
    state: SyncStateEntity,
    change: QueryDeepPartialEntity<SyncStateEntity>,
    tx?: EntityManager,
  ): Promise<void> {
    const current = {
      companyId: state.companyId,
      active: true,
      fullSyncGeneration: state.fullSyncGeneration,
    };
    if (!(await this.updateIf(current, change, tx)))
      throw CustomerSyncErrors.superseded(state.companyId);
  }

  private async save(
    state: SyncStateEntity,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await tx.getRepository(SyncStateEntity).save(state);
  }
}
