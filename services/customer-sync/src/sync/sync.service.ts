import { Injectable, Logger } from '@nestjs/common';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { AppError, backoffDelay, describeError, HeldLease } from '@pos-tripletex/platform';
import { classifyFailure, CompanyClients, TripletexError } from '@pos-tripletex/tripletex';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerSyncEnv } from '../config/env.schema';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { CUSTOMER_FIELDS, CustomersRepository } from '../customers/customers.repository';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { WebhookSubscriptionsService } from '../webhooks/webhook-subscriptions.service';
import { companyClient } from './company-client';
import {
  FullSyncStatus,
  FullSyncStatuses,
  SyncStateEntity,
  WebhookStatus,
} from './entities/sync-state.entity';
import { SyncRunLifecycle } from './sync-run.lifecycle';
import { dueWork, SyncWorkKind } from './sync-work';

const SUPERSEDED = CustomerSyncErrors.superseded('').code;

/** Re-read window: changes made while the previous incremental sync ran are not missed. */
const CHANGED_SINCE_OVERLAP_MS = 60_000;

/** A failed sync is tried again after 5 s, 10 s, … up to an hour. */
const SYNC_BACKOFF = { firstMs: 5_000, maxMs: 3600_000 };

/** The lease a turn runs under: it checks it before every external effect. */
export type TurnLease = Pick<HeldLease, 'throwIfLost' | 'lost'>;

/** GET …/customers/sync-status. */
export interface SyncStatusView {
  active: boolean;
  webhooks: {
    /** This deployment has webhooks (WEBHOOK_PUBLIC_URL); false: customers come by polling only. */
    enabled: boolean;
    /** NONE, PENDING, ACTIVE, REFUSED, DISABLED, DELETING or DELETE_FAILED (README). */
    status: WebhookStatus;
    /** What Tripletex said last (a refusal's message, the status it disabled them with, …). */
    detail: string | null;
    subscribed: boolean;
    subscribedAt: Date | null;
    checkedAt: Date | null;
    /** A refused, disabled or failed subscription is tried again from then. */
    retryAt: Date | null;
  };
  fullSync: {
    status: FullSyncStatus;
    generation: number;
    pagesDone: number;
    customersSynced: number;
    startedAt: Date | null;
    finishedAt: Date | null;
  };
  incremental: { changedSince: Date | null; lastRunAt: Date | null };
  /** Customers in the mirror (inactive ones included, deleted ones not). */
  customers: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  retryAt: Date | null;
}

/** What a turn did, for the worker's runs metric. */
export interface SyncTurn {
  kind: SyncWorkKind | 'load';
  /** `stopped`: overtaken by a deactivation or a new full sync, nothing more written. */
  outcome: 'ok' | 'failed' | 'stopped';
}

/**
 * The decisions of keeping a company's customers in step with Tripletex: what a settings change
 * does, what a claimed company's turn does (webhook subscriptions, the full sync – resumable page
 * by page, each page committed with its progress, deletions found at the end – and the periodic
 * `changedSince` run), and what a failure means (classified once by libs/tripletex, backed off,
 * a refused token reported).
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly syncRuns: SyncRunLifecycle,
    private readonly customers: CustomersRepository,
    private readonly clients: CompanyClients,
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly env: CustomerSyncEnv,
  ) {}

  // ---- settings ---------------------------------------------------------------------------------

  /**
   * integration.config.v1, in the transaction that stores it: an integration that becomes ACTIVE
   * gets webhook subscriptions and a full sync scheduled; one that becomes INACTIVE stops being
   * served and its subscriptions are removed (with the last token we had, kept for that).
   */
  async settingsApplied(next: IntegrationConfigV1, tx: EntityManager): Promise<void> {
    const state = await this.syncRuns.lockForSettings(tx, next.companyId);
    const token = next.tripletex?.employeeToken;
    if (next.status === 'ACTIVE') {
      const otherCompany =
        state.tripletexCompanyId !== null &&
        next.tripletex?.companyId !== undefined &&
        state.tripletexCompanyId !== next.tripletex.companyId;
      const anew = !state.active || otherCompany;
      await this.syncRuns.activated(tx, state, {
        tripletexCompanyId: next.tripletex?.companyId ?? state.tripletexCompanyId,
        token,
        webhookSecrets:
          this.subscriptions.enabled && (anew || Object.keys(state.subscriptionIds).length === 0)
            ? this.subscriptions.newSecrets(next.companyId)
            : undefined,
        fullSync: anew || state.fullSyncStatus === FullSyncStatuses.IDLE,
      });
    } else if (next.status === 'NEEDS_ATTENTION') {
      // Keep everything, but do not call Tripletex until the token works again (a new version comes).
      await this.syncRuns.needsAttention(tx, state, token);
    } else {
      const wasActive = state.active;
      await this.syncRuns.deactivated(tx, state);
      // The pick list empties with the integration: a tombstone for each customer it offered.
      const withdrawn = await this.customers.withdrawAll(tx, next.companyId);
      this.clients.forget(next.companyId);
      if (wasActive)
        this.logger.log(
          { companyId: next.companyId, withdrawn, webhookStatus: state.webhookStatus },
          `customer sync of ${next.companyId} deactivated: ${withdrawn} customer(s) withdrawn from the pick list`,
        );
    }
  }

  // ---- a claimed company's turn -----------------------------------------------------------------

  /**
   * Does the work due for a claimed company (see `dueWork`); a failure is recorded with its
   * backoff, unless the lease was lost (the next owner goes on). Null when nothing was done.
   */
  async takeTurn(companyId: string, lease: TurnLease): Promise<SyncTurn | null> {
    let kind: SyncWorkKind | undefined;
    try {
      const state = await this.syncRuns.load(companyId);
      if (!state) return null;
      kind = dueWork(state, {
        webhooks: this.subscriptions.enabled,
        now: new Date(),
        checkEveryMs: this.env.WEBHOOK_CHECK_INTERVAL_SECONDS * 1000,
      });
      switch (kind) {
        case 'unsubscribe':
          lease.throwIfLost();
          await this.subscriptions.unsubscribe(state);
          break;
        case 'subscribe':
          lease.throwIfLost();
          return { kind, outcome: await this.subscriptions.subscribe(state) };
        case 'check-webhooks':
          lease.throwIfLost();
          return { kind, outcome: await this.subscriptions.check(state) };
        case 'full':
          await this.fullSync(state, { pages: this.env.SYNC_PAGES_PER_TURN, lease });
          break;
        case 'changed-since':
          await this.changedSince(state);
          break;
        case undefined:
          return null;
      }
      return { kind, outcome: 'ok' };
    } catch (error) {
      if (lease.lost) return null; // the next turn (ours or another instance's) goes on
      if (error instanceof AppError && error.code === SUPERSEDED) {
        this.logger.log(
          { companyId },
          `${kind ?? 'sync'} turn of ${companyId} stopped: ${error.message}`,
        );
        return { kind: kind ?? 'load', outcome: 'stopped' };
      }
      await this.failed(companyId, error);
      return { kind: kind ?? 'load', outcome: 'failed' };
    }
  }

  /** Nightly reconciliation becomes due; old webhook idempotency keys go. */
  async housekeeping(): Promise<void> {
    await this.syncRuns.scheduleReconciliations(this.env.FULL_SYNC_INTERVAL_HOURS);
    await this.deliveries.forgetOld();
  }

  // ---- the full sync -----------------------------------------------------------------------------

  /**
   * Runs (or resumes) the full sync; each page commits with its progress, so a crash loses nothing.
   * A turn reads at most `turn.pages` pages and then returns with the sync still RUNNING, so other
   * companies get their turn; the next turn resumes from the recorded position. Before every
   * Tripletex call, and again (row locked) in every page's transaction, the company must still be
   * active at this generation: a deactivation or a newer full sync stops it (SUPERSEDED) and the
   * page it was holding is not written. Its copy never replaces a newer one: a customer's row
   * changes only for a version at least as new (CustomersRepository.upsert).
   */
  async fullSync(
    state: SyncStateEntity,
    turn: { pages: number; lease?: Pick<TurnLease, 'throwIfLost'> } = { pages: Infinity },
  ): Promise<void> {
    const tripletex = companyClient(this.clients, state);
    const generation = state.fullSyncGeneration;
    const pageSize = this.env.SYNC_PAGE_SIZE;
    await this.syncRuns.fullSyncRunning(state);
    for (let pages = 0; ; pages++) {
      if (pages >= turn.pages) {
        this.logger.log(
          { companyId: state.companyId, pages: state.fullSyncPages },
          `full customer sync of ${state.companyId}: turn over after ${pages} page(s); resumes next turn`,
        );
        return;
      }
      turn.lease?.throwIfLost();
      await this.syncRuns.requireCurrent(state, generation);
      const inactive = state.fullSyncInactivePass;
      const page = await tripletex.listCustomers({
        isInactive: inactive,
        from: state.fullSyncFrom,
        count: pageSize,
        fields: CUSTOMER_FIELDS,
        sorting: 'id',
      });
      const values = page.values ?? [];
      const last = values.length < pageSize;
      await this.dataSource.transaction(async (tx) => {
        await this.syncRuns.requireCurrent(state, generation, tx);
        await this.customers.upsert(tx, state.companyId, values, generation);
        await this.syncRuns.pageSynced(tx, state, { customers: values.length, last });
      });
      if (last && inactive) break;
    }
    // Customers this sync did not see were deleted in Tripletex without a webhook reaching us,
    // or moved in the paging while it ran: ask for each before calling it deleted.
    const candidates = await this.customers.notSeenIn(state.companyId, generation);
    const gone: number[] = [];
    for (const id of candidates) {
      await this.syncRuns.requireCurrent(state, generation);
      try {
        const customer = await tripletex.getCustomer(id, CUSTOMER_FIELDS);
        await this.dataSource.transaction(async (tx) => {
          await this.syncRuns.requireCurrent(state, generation, tx);
          await this.customers.upsert(tx, state.companyId, [customer], generation);
        });
      } catch (error) {
        if (!TripletexError.is(error, 'not-found')) throw error;
        gone.push(id);
      }
    }
    await this.dataSource.transaction(async (tx) => {
      await this.syncRuns.requireCurrent(state, generation, tx);
      await this.customers.markDeleted(tx, state.companyId, gone);
      const startedAt = state.fullSyncStartedAt ?? new Date();
      await this.syncRuns.fullSyncDone(
        tx,
        state,
        new Date(startedAt.getTime() - CHANGED_SINCE_OVERLAP_MS),
      );
    });
    this.logger.log(
      {
        companyId: state.companyId,
        pages: state.fullSyncPages,
        customers: state.fullSyncCustomers,
        deleted: gone.length,
      },
      `full customer sync of ${state.companyId} done`,
    );
  }

  // ---- incremental -------------------------------------------------------------------------------

  /**
   * Everything changed since the cursor (active and inactive customers), page by page – the
   * polling that keeps the list current with or without webhooks. Stops (SUPERSEDED) before its
   * next call once the company is deactivated; a page is written only while it is still active.
   */
  async changedSince(state: SyncStateEntity): Promise<number> {
    const tripletex = companyClient(this.clients, state);
    const pageSize = this.env.SYNC_PAGE_SIZE;
    const startedAt = new Date();
    const since = new Date(
      (state.changedSinceCursor ?? startedAt).getTime() - CHANGED_SINCE_OVERLAP_MS,
    ).toISOString();
    let changed = 0;
    for (const isInactive of [false, true]) {
      for (let from = 0; ; from += pageSize) {
        await this.syncRuns.requireCurrent(state);
        const page = await tripletex.listCustomers({
          changedSince: since,
          isInactive,
          from,
          count: pageSize,
          fields: CUSTOMER_FIELDS,
          sorting: 'id',
        });
        const values = page.values ?? [];
        changed += await this.dataSource.transaction(async (tx) => {
          await this.syncRuns.requireCurrent(state, undefined, tx);
          return this.customers.upsert(tx, state.companyId, values, null);
        });
        if (values.length < pageSize) break;
      }
    }
    await this.syncRuns.incrementalDone(state, startedAt);
    if (changed > 0)
      this.logger.log({ companyId: state.companyId, changed }, 'changedSince sync applied changes');
    return changed;
  }

  /** Requests a full resync (BackOffice's button): the worker picks it up within seconds. */
  async requestFullSync(
    companyId: string,
  ): Promise<{ status: FullSyncStatus; generation: number }> {
    const state = await this.syncRuns.requestFullSync(companyId);
    if (!state?.active) throw CustomerSyncErrors.notActive();
    return { status: state.fullSyncStatus, generation: state.fullSyncGeneration };
  }

  /** Where the company's synchronisation stands (BackOffice's sync status). */
  async status(companyId: string): Promise<SyncStatusView> {
    const state = await this.syncRuns.load(companyId);
    if (!state) throw CustomerSyncErrors.unknownCompany();
    const customers = await this.customers.countNotDeleted(companyId);
    return {
      active: state.active,
      webhooks: {
        enabled: this.subscriptions.enabled,
        status: state.webhookStatus,
        detail: state.webhookDetail,
        subscribed: Object.keys(state.subscriptionIds).length > 0,
        subscribedAt: state.subscribedAt,
        checkedAt: state.webhookCheckedAt,
        retryAt: state.webhookRetryAt,
      },
      fullSync: {
        status: state.fullSyncStatus,
        generation: state.fullSyncGeneration,
        pagesDone: state.fullSyncPages,
        customersSynced: state.fullSyncCustomers,
        startedAt: state.fullSyncStartedAt,
        finishedAt: state.fullSyncFinishedAt,
      },
      incremental: { changedSince: state.changedSinceCursor, lastRunAt: state.changedSinceRunAt },
      customers,
      lastError: state.lastError,
      lastErrorAt: state.lastErrorAt,
      retryAt: state.retryAt,
    };
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Records a failed run; backs off; reports a refused token to onboarding. */
  async failed(companyId: string, error: unknown): Promise<void> {
    const failure = classifyFailure(error);
    await this.syncRuns.failed(companyId, {
      message: describeError(error),
      retryAfterMs: (failures) =>
        Math.max(
          failure.kind === 'final' ? 0 : failure.afterMs,
          backoffDelay(SYNC_BACKOFF, failures),
        ),
      tokenRejected: failure.kind === 'token-rejected',
    });
    this.logger.warn(
      { companyId },
      `customer sync of ${companyId} failed, will resume: ${describeError(error)}`,
    );
  }
}
