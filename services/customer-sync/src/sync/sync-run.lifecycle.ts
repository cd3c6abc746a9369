import { Injectable } from '@nestjs/common';
import { TokenRejections } from '@pos-tripletex/company-settings';
import { EncryptedSecret } from '@pos-tripletex/platform';
import { DataSource, EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../bootstrap';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { FullSyncStatuses, SyncStateEntity } from './entities/sync-state.entity';

const { IDLE, PENDING, RUNNING, DONE, FAILED } = FullSyncStatuses;

/**
 * Claims companies with due work, the least recently served first (round-robin), each with a lease
 * held by heartbeat: $1 at most, a lease of $2 s, and $3/$4 the changed-since interval and the
 * settle time (seconds). A company is worked on by one instance at a time.
 */
const CLAIM_DUE_COMPANIES_SQL = `WITH claimed AS (UPDATE sync_states s
  SET lease_owner = gen_random_uuid(), lease_until = now() + make_interval(secs => $2), served_at = now()
  WHERE s.company_id IN (
    SELECT company_id FROM sync_states
    WHERE (lease_until IS NULL OR lease_until < now())
      AND (retry_at IS NULL OR retry_at <= now()) AND (
        needs_unsubscription
        OR (active AND token_ciphertext IS NOT NULL AND (
          needs_subscription
          OR (full_sync_status IN ('${PENDING}', '${RUNNING}', '${FAILED}') AND subscribed_at <= now() - make_interval(secs => $4))
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

  /** INACTIVE: served no more; our subscriptions are to be deleted; a pending full sync is dropped. */
  async deactivated(tx: EntityManager, state: SyncStateEntity): Promise<void> {
    state.active = false;
    state.needsSubscription = false;
    state.needsUnsubscription = Object.keys(state.subscriptionIds).length > 0;
    if (state.fullSyncStatus === PENDING || state.fullSyncStatus === RUNNING)
      state.fullSyncStatus = IDLE;
    await this.save(state, tx);
  }

  // ---- claims (the worker) ----------------------------------------------------------------------

  async claimDue(limit: number, timing: ClaimTiming): Promise<SyncClaim[]> {
    const rows = await this.dataSource.query<{ company_id: string; lease_owner: string }[]>(
      CLAIM_DUE_COMPANIES_SQL,
      [limit, timing.leaseSeconds, timing.changedSinceEverySeconds, timing.settleSeconds],
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

  async subscribed(state: SyncStateEntity, subscriptionIds: Record<string, number>): Promise<void> {
    state.subscriptionIds = subscriptionIds;
    state.needsSubscription = false;
    state.subscribedAt = new Date();
    await this.save(state);
  }

  /** Subscriptions gone, and with them the secrets and the last token (kept only for this). */
  async unsubscribed(state: SyncStateEntity): Promise<void> {
    Object.assign(state, {
      subscriptionIds: {},
      needsUnsubscription: false,
      subscribedAt: null,
      webhookSecrets: null,
      tokenKeyId: null,
      tokenCiphertext: null,
    });
    await this.save(state);
  }

  // ---- the full sync ------------------------------------------------------------------------------

  /** PENDING / FAILED → RUNNING (a RUNNING one resumes as it is). */
  async fullSyncRunning(state: SyncStateEntity): Promise<void> {
    if (state.fullSyncStatus === RUNNING) return;
    state.fullSyncStatus = RUNNING;
    state.fullSyncStartedAt ??= new Date();
    await this.save(state);
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
    state.fullSyncPages += 1;
    state.fullSyncCustomers += page.customers;
    if (!page.last) state.fullSyncFrom += page.customers;
    else if (!state.fullSyncInactivePass)
      Object.assign(state, { fullSyncInactivePass: true, fullSyncFrom: 0 });
    await this.save(state, tx);
  }

  /** RUNNING → DONE: incremental runs take over from `changedSinceCursor`. */
  async fullSyncDone(
    tx: EntityManager,
    state: SyncStateEntity,
    changedSinceCursor: Date,
  ): Promise<void> {
    Object.assign(state, {
      fullSyncStatus: DONE,
      fullSyncFinishedAt: new Date(),
      changedSinceCursor,
      changedSinceRunAt: new Date(),
      lastError: null,
      failures: 0,
      retryAt: null,
    });
    await this.save(state, tx);
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

  async incrementalDone(state: SyncStateEntity, changedSinceCursor: Date): Promise<void> {
    Object.assign(state, {
      changedSinceCursor,
      changedSinceRunAt: new Date(),
      lastError: null,
      failures: 0,
      retryAt: null,
    });
    await this.save(state);
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

  private async save(
    state: SyncStateEntity,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await tx.getRepository(SyncStateEntity).save(state);
  }
}
