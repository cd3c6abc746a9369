import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TokenRejections } from '@pos-tripletex/company-settings';
import { Outbox } from '@pos-tripletex/messaging';
import { backoffDelay, describeError, SecretBox } from '@pos-tripletex/platform';
import {
  classifyFailure,
  CompanyClients,
  Customer,
  TripletexClient,
  TripletexCompanyClient,
  TripletexError,
} from '@pos-tripletex/tripletex';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { CompanyActivation } from './company-activation';
import { CUSTOMER_FIELDS, CustomerStore } from './customer-store';
import { SyncStateEntity } from './sync-state.entity';

export const WEBHOOK_AUTH_HEADER = 'x-pos-tripletex-webhook-secret';
export const CUSTOMER_EVENTS = ['customer.create', 'customer.update', 'customer.delete'] as const;

/** Re-read window: changes made while the previous incremental sync ran are not missed. */
const CHANGED_SINCE_OVERLAP_MS = 60_000;

/** A failed sync is tried again after 5 s, 10 s, … up to an hour. */
const SYNC_BACKOFF = { firstMs: 5_000, maxMs: 3600_000 };

/**
 * Everything that talks to Tripletex for customers: webhook subscriptions, the full sync (resumable
 * page by page, each page committed with its progress, deletions found at the end), the periodic
 * `changedSince` sync, and re-reading one customer for a webhook.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tripletex: TripletexClient,
    private readonly secrets: SecretBox,
    private readonly store: CustomerStore,
    private readonly outbox: Outbox,
    private readonly config: ConfigService,
    private readonly activation: CompanyActivation,
    private readonly clients: CompanyClients,
    private readonly tokenRejections: TokenRejections,
  ) {}

  private get pageSize(): number {
    return this.config.get<number>('SYNC_PAGE_SIZE', 1000);
  }

  async load(
    companyId: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<SyncStateEntity | null> {
    return tx.getRepository(SyncStateEntity).findOne({ where: { companyId } });
  }

  private async save(
    state: SyncStateEntity,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await tx.getRepository(SyncStateEntity).save(state);
  }

  client(state: SyncStateEntity): TripletexCompanyClient {
    return this.clients.forCompany(
      state.companyId,
      { keyId: state.tokenKeyId ?? undefined, value: state.tokenCiphertext ?? undefined },
      () => CustomerSyncErrors.noToken(state.companyId),
    );
  }

  webhookUrl(companyId: string): string {
    return `${this.config.getOrThrow<string>('WEBHOOK_PUBLIC_URL').replace(/\/+$/, '')}/v1/webhooks/tripletex/${encodeURIComponent(companyId)}`;
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  async subscribe(state: SyncStateEntity): Promise<void> {
    const tx = this.client(state);
    const url = this.webhookUrl(state.companyId);
    // Leftovers of an earlier attempt (their secrets are write-only, so they are replaced).
    for (const existing of (await tx.listSubscriptions()).values ?? []) {
      if (existing.targetUrl === url && existing.id)
        await tx.deleteSubscription(existing.id).catch(() => undefined);
    }
    const authHeader = this.secrets.open(state.webhookSecrets!.authHeader, state.companyId);
    const hmac = this.secrets.open(state.webhookSecrets!.hmac, state.companyId);
    const ids: Record<string, number> = {};
    for (const event of CUSTOMER_EVENTS) {
      const created = await tx.createSubscription({
        event,
        targetUrl: url,
        fields: 'id,version',
        authHeaderName: WEBHOOK_AUTH_HEADER,
        authHeaderValue: authHeader,
        hmacSharedSecret: hmac,
      });
      ids[event] = created.id as number;
    }
    state.subscriptionIds = ids;
    state.needsSubscription = false;
    state.subscribedAt = new Date();
    await this.save(state);
    this.logger.log(
      { companyId: state.companyId, subscriptions: ids },
      'subscribed to Tripletex customer webhooks',
    );
  }

  async unsubscribe(state: SyncStateEntity): Promise<void> {
    if (state.tokenCiphertext) {
      const tx = this.client(state);
      for (const id of Object.values(state.subscriptionIds)) {
        await tx.deleteSubscription(id).catch((error: unknown) => {
          if (!TripletexError.is(error, 'not-found')) throw error;
        });
      }
    }
    Object.assign(state, {
      subscriptionIds: {},
      needsUnsubscription: false,
      subscribedAt: null,
      webhookSecrets: null,
      tokenKeyId: null,
      tokenCiphertext: null,
    });
    this.tripletex.forget(state.companyId);
    await this.save(state);
    this.logger.log(
      { companyId: state.companyId },
      'unsubscribed from Tripletex customer webhooks',
    );
  }

  // ---- the full sync -----------------------------------------------------------------------------

  /**
   * Runs (or resumes) the full sync; each page commits with its progress, so a crash loses nothing.
   * A turn reads at most `turn.pages` pages and then returns with the sync still RUNNING, so other
   * companies get their turn; the next turn resumes from the recorded position.
   */
  async fullSync(
    state: SyncStateEntity,
    turn: { pages: number; lease?: { throwIfLost(): void } } = { pages: Infinity },
  ): Promise<void> {
    const tx = this.client(state);
    const generation = state.fullSyncGeneration;
    if (state.fullSyncStatus !== 'RUNNING') {
      state.fullSyncStatus = 'RUNNING';
      state.fullSyncStartedAt ??= new Date();
      await this.save(state);
    }
    for (let pages = 0; ; pages++) {
      if (pages >= turn.pages) {
        this.logger.log(
          { companyId: state.companyId, pages: state.fullSyncPages },
          `full customer sync of ${state.companyId}: turn over after ${pages} page(s); resumes next turn`,
        );
        return;
      }
      turn.lease?.throwIfLost();
      const inactive = state.fullSyncInactivePass;
      const page = await tx.listCustomers({
        isInactive: inactive,
        from: state.fullSyncFrom,
        count: this.pageSize,
        fields: CUSTOMER_FIELDS,
        sorting: 'id',
      });
      const values = page.values ?? [];
      const last = values.length < this.pageSize;
      await this.dataSource.transaction(async (m) => {
        await this.store.upsert(m, state.companyId, values, generation);
        state.fullSyncPages += 1;
        state.fullSyncCustomers += values.length;
        if (!last) state.fullSyncFrom += values.length;
        else if (!inactive) Object.assign(state, { fullSyncInactivePass: true, fullSyncFrom: 0 });
        await this.save(state, m);
      });
      if (last && inactive) break;
    }
    // Customers this sync did not see were deleted in Tripletex without a webhook reaching us,
    // or moved in the paging while it ran: ask for each before calling it deleted.
    const candidates = await this.store.notSeenIn(
      this.dataSource.manager,
      state.companyId,
      generation,
    );
    const gone: number[] = [];
    for (const id of candidates) {
      try {
        const customer = await tx.getCustomer(id, CUSTOMER_FIELDS);
        await this.dataSource.transaction((m) =>
          this.store.upsert(m, state.companyId, [customer], generation),
        );
      } catch (error) {
        if (!TripletexError.is(error, 'not-found')) throw error;
        gone.push(id);
      }
    }
    await this.dataSource.transaction(async (m) => {
      await this.store.markDeleted(m, state.companyId, gone);
      const startedAt = state.fullSyncStartedAt ?? new Date();
      Object.assign(state, {
        fullSyncStatus: 'DONE',
        fullSyncFinishedAt: new Date(),
        changedSinceCursor: new Date(startedAt.getTime() - CHANGED_SINCE_OVERLAP_MS),
        changedSinceRunAt: new Date(),
        lastError: null,
        failures: 0,
        retryAt: null,
      });
      await this.save(state, m);
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

  /** Everything changed since the cursor (active and inactive customers), page by page. */
  async changedSince(state: SyncStateEntity): Promise<number> {
    const tx = this.client(state);
    const startedAt = new Date();
    const since = new Date(
      (state.changedSinceCursor ?? startedAt).getTime() - CHANGED_SINCE_OVERLAP_MS,
    ).toISOString();
    let changed = 0;
    for (const isInactive of [false, true]) {
      for (let from = 0; ; from += this.pageSize) {
        const page = await tx.listCustomers({
          changedSince: since,
          isInactive,
          from,
          count: this.pageSize,
          fields: CUSTOMER_FIELDS,
          sorting: 'id',
        });
        const values = page.values ?? [];
        changed += await this.dataSource.transaction((m) =>
          this.store.upsert(m, state.companyId, values, null),
        );
        if (values.length < this.pageSize) break;
      }
    }
    Object.assign(state, {
      changedSinceCursor: startedAt,
      changedSinceRunAt: new Date(),
      lastError: null,
      failures: 0,
      retryAt: null,
    });
    await this.save(state);
    if (changed > 0)
      this.logger.log({ companyId: state.companyId, changed }, 'changedSince sync applied changes');
    return changed;
  }

  /** The current state of one customer, read again (a webhook said it changed). */
  async readCustomer(state: SyncStateEntity, customerId: number): Promise<Customer | null> {
    try {
      return await this.client(state).getCustomer(customerId, CUSTOMER_FIELDS);
    } catch (error) {
      if (TripletexError.is(error, 'not-found')) return null;
      throw error;
    }
  }

  /** Requests a full resync (BackOffice's button): the worker picks it up within seconds. */
  async requestFullSync(companyId: string): Promise<SyncStateEntity | null> {
    return this.dataSource.transaction(async (m) => {
      const state = await m
        .getRepository(SyncStateEntity)
        .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
      if (!state || !state.active) return state;
      if (state.fullSyncStatus !== 'PENDING' && state.fullSyncStatus !== 'RUNNING')
        this.activation.scheduleFullSync(state);
      state.retryAt = null;
      await this.save(state, m);
      return state;
    });
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Records a failed run; backs off; reports a refused token to onboarding. */
  async failed(companyId: string, error: unknown): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const state = await m
        .getRepository(SyncStateEntity)
        .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
      if (!state) return;
      state.failures += 1;
      const failure = classifyFailure(error);
      const backoffMs = Math.max(
        failure.kind === 'final' ? 0 : failure.afterMs,
        backoffDelay(SYNC_BACKOFF, state.failures),
      );
      Object.assign(state, {
        lastError: describeError(error).slice(0, 2000),
        lastErrorAt: new Date(),
        retryAt: new Date(Date.now() + backoffMs),
        fullSyncStatus: state.fullSyncStatus === 'RUNNING' ? 'FAILED' : state.fullSyncStatus,
      });
      await this.save(state, m);
      if (failure.kind === 'token-rejected')
        await this.tokenRejections.report(m, {
          companyId,
          service: 'customer-sync',
          message: describeError(error),
        });
    });
    this.logger.warn(
      { companyId },
      `customer sync of ${companyId} failed, will resume: ${describeError(error)}`,
    );
  }
}
