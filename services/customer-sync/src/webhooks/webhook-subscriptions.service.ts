import { Injectable, Logger } from '@nestjs/common';
import { backoffDelay, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { classifyFailure, CompanyClients, TripletexError } from '@pos-tripletex/tripletex';
import { randomBytes } from 'node:crypto';
import { CustomerSyncEnv } from '../config/env.schema';
import { companyClient } from '../sync/company-client';
import { SyncStateEntity, WebhookStatuses } from '../sync/entities/sync-state.entity';
import { SyncRunLifecycle, WebhookSecrets } from '../sync/sync-run.lifecycle';
import { CUSTOMER_EVENTS, WEBHOOK_AUTH_HEADER } from './webhook-delivery';

/** A subscription Tripletex refused (URL, entitlement) is tried again after 1 min, 2 min, … 6 h. */
const REFUSED_BACKOFF = { firstMs: 60_000, maxMs: 6 * 3600_000 };
/** After a transient failure (5xx, 429, timeout): 5 s, 10 s, … up to an hour. */
const TRANSIENT_BACKOFF = { firstMs: 5_000, maxMs: 3600_000 };
/** Transient failures a deletion survives before it is given up (and reported). */
const UNSUBSCRIBE_ATTEMPTS = 5;

/** What a subscription turn did, for the runs metric. */
export type SubscriptionOutcome = 'ok' | 'failed';

/**
 * Our customer webhook subscriptions in Tripletex, as sync work the worker claims
 * (SyncService.takeTurn): created (with a secret header and an HMAC secret of our own) when an
 * integration becomes active, looked at every WEBHOOK_CHECK_INTERVAL_SECONDS (one Tripletex
 * disabled, or pointing at an old URL, is set ACTIVE again with a PUT; one that is gone is created
 * again), and deleted when it is deactivated. A refusal or failure is recorded on the company's
 * state (status, Tripletex's message, retry time), logged, and tried again with a backoff; the
 * syncs never wait for it – polling keeps the customer list current meanwhile. Only a refused
 * token fails the whole turn (the company backs off and onboarding is told).
 */
@Injectable()
export class WebhookSubscriptionsService {
  private readonly logger = new Logger(WebhookSubscriptionsService.name);

  constructor(
    private readonly syncRuns: SyncRunLifecycle,
    private readonly clients: CompanyClients,
    private readonly secrets: SecretBox,
    private readonly env: CustomerSyncEnv,
  ) {}

  /** Whether this deployment has webhooks at all (WEBHOOK_PUBLIC_URL set); else it only polls. */
  get enabled(): boolean {
    return this.env.WEBHOOK_PUBLIC_URL !== '';
  }

  /** Where Tripletex delivers the company's webhooks. */
  webhookUrl(companyId: string): string {
    return `${this.env.WEBHOOK_PUBLIC_URL.replace(/\/+$/, '')}/v1/webhooks/tripletex/${encodeURIComponent(companyId)}`;
  }

  /** Fresh secrets (each sealed for the company and its purpose): the auth header's value and the HMAC secret. */
  newSecrets(companyId: string): WebhookSecrets {
    return {
      authHeader: this.secrets.seal(
        randomBytes(32).toString('base64url'),
        SecretBindings.webhookAuthHeader(companyId),
      ),
      hmac: this.secrets.seal(
        randomBytes(32).toString('base64url'),
        SecretBindings.webhookHmac(companyId),
      ),
    };
  }

  async subscribe(state: SyncStateEntity): Promise<SubscriptionOutcome> {
    const tripletex = companyClient(this.clients, state);
    const url = this.webhookUrl(state.companyId);
    const ids: Record<string, number> = {};
    try {
      // Leftovers of an earlier attempt (their secrets are write-only, so they are replaced).
      for (const existing of (await tripletex.listSubscriptions()).values ?? []) {
        if (existing.targetUrl === url && existing.id)
          await tripletex.deleteSubscription(existing.id).catch(() => undefined);
      }
      const authHeader = this.secrets.open(
        state.webhookSecrets!.authHeader,
        SecretBindings.webhookAuthHeader(state.companyId),
      );
      const hmac = this.secrets.open(
        state.webhookSecrets!.hmac,
        SecretBindings.webhookHmac(state.companyId),
      );
      for (const event of CUSTOMER_EVENTS) {
        const created = await tripletex.createSubscription({
          event,
          targetUrl: url,
          fields: 'id,version',
          authHeaderName: WEBHOOK_AUTH_HEADER,
          authHeaderValue: authHeader,
          hmacSharedSecret: hmac,
        });
        ids[event] = created.id as number;
      }
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'token-rejected') throw error;
      // Half a set is no use: what this attempt created goes (the next attempt starts afresh).
      for (const id of Object.values(ids))
        await tripletex.deleteSubscription(id).catch(() => undefined);
      const refused = failure.kind === 'final';
      const detail = refused
        ? `Tripletex refused the webhook subscription for ${url}: ${failure.message}`
        : `subscribing to webhooks failed, will try again: ${failure.message}`;
      await this.syncRuns.subscriptionFailed(state, {
        refused,
        detail,
        retryAfterMs: (failures) =>
          Math.max(
            failure.kind === 'retry' ? failure.afterMs : 0,
            backoffDelay(refused ? REFUSED_BACKOFF : TRANSIENT_BACKOFF, failures),
          ),
      });
      this.logger.warn(
        {
          companyId: state.companyId,
          webhookStatus: state.webhookStatus,
          retryAt: state.webhookRetryAt,
        },
        `${detail} (customers are kept current by polling meanwhile)`,
      );
      return 'failed';
    }
    if (!(await this.syncRuns.subscribed(state, ids))) {
      // Deactivated while we subscribed: nothing of it may stay.
      for (const id of Object.values(ids))
        await tripletex.deleteSubscription(id).catch(() => undefined);
      return 'ok';
    }
    this.logger.log(
      { companyId: state.companyId, subscriptions: ids },
      'subscribed to Tripletex customer webhooks',
    );
    return 'ok';
  }

  /**
   * Looks at our subscriptions in Tripletex: all ACTIVE at our URL → ACTIVE; one disabled
   * (DISABLED_TOO_MANY_ERRORS, …) or at another URL → PUT with status ACTIVE and our URL, and an
   * incremental sync right after (deliveries were lost meanwhile); one gone → created again.
   */
  async check(state: SyncStateEntity): Promise<SubscriptionOutcome> {
    const tripletex = companyClient(this.clients, state);
    const url = this.webhookUrl(state.companyId);
    const listed = new Map(
      ((await tripletex.listSubscriptions()).values ?? []).map((s) => [s.id, s] as const),
    );
    const ours = Object.entries(state.subscriptionIds);
    const gone = ours.filter(([, id]) => !listed.has(id)).map(([event]) => event);
    if (gone.length > 0 || ours.length === 0) {
      const detail = `webhook subscriptions no longer in Tripletex (${gone.join(', ') || 'all'}): subscribing again`;
      this.logger.warn({ companyId: state.companyId }, detail);
      await this.syncRuns.webhooksChecked(state, {
        status: WebhookStatuses.PENDING,
        detail,
        resubscribe: true,
      });
      return 'failed';
    }
    const astray = ours.filter(([, id]) => {
      const subscription = listed.get(id)!;
      return subscription.status !== 'ACTIVE' || subscription.targetUrl !== url;
    });
    if (astray.length === 0) {
      await this.syncRuns.webhooksChecked(state, {
        status: WebhookStatuses.ACTIVE,
        detail: state.webhookStatus === WebhookStatuses.ACTIVE ? state.webhookDetail : null,
      });
      return 'ok';
    }
    const found = astray
      .map(([event, id]) => `${event} ${listed.get(id)!.status ?? '?'}`)
      .join(', ');
    this.logger.warn(
      { companyId: state.companyId },
      `Tripletex has our webhook subscriptions disabled or at another URL (${found}): re-enabling`,
    );
    try {
      for (const [event, id] of astray)
        await tripletex.updateSubscription(id, { event, targetUrl: url, status: 'ACTIVE' });
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'token-rejected') throw error;
      const detail = `Tripletex disabled the webhook subscriptions (${found}); re-enabling failed, will try again: ${failure.message}`;
      await this.syncRuns.webhooksChecked(state, {
        status: WebhookStatuses.DISABLED,
        detail,
        retryAfterMs: (failures) => backoffDelay(REFUSED_BACKOFF, failures),
      });
      this.logger.warn({ companyId: state.companyId, retryAt: state.webhookRetryAt }, detail);
      return 'failed';
    }
    await this.syncRuns.webhooksChecked(state, {
      status: WebhookStatuses.ACTIVE,
      detail: `re-enabled ${new Date().toISOString()} (Tripletex had them ${found})`,
    });
    await this.syncRuns.incrementalDue(state);
    this.logger.log({ companyId: state.companyId }, `webhook subscriptions re-enabled (${found})`);
    return 'ok';
  }

  /**
   * Deletes our subscriptions with the last token we had (gone already is fine). Best effort: a
   * transient failure is tried again a few times, a refusal (e.g. the token revoked) is not;
   * either way a deletion that did not happen is recorded (DELETE_FAILED) and logged, and the
   * token is forgotten.
   */
  async unsubscribe(state: SyncStateEntity): Promise<void> {
    let failure: string | undefined;
    if (!state.tokenCiphertext && Object.keys(state.subscriptionIds).length > 0)
      failure = 'no token left to delete the webhook subscriptions in Tripletex with';
    else if (state.tokenCiphertext) {
      const tripletex = companyClient(this.clients, state);
      for (const id of Object.values(state.subscriptionIds)) {
        try {
          await tripletex.deleteSubscription(id);
        } catch (error) {
          if (TripletexError.is(error, 'not-found')) continue;
          const classified = classifyFailure(error);
          if (classified.kind === 'retry' && state.failures + 1 < UNSUBSCRIBE_ATTEMPTS) throw error;
          failure = `could not delete the webhook subscriptions in Tripletex (${Object.values(state.subscriptionIds).join(', ')}): ${classified.message}`;
          break;
        }
      }
    }
    await this.syncRuns.unsubscribed(state, failure);
    // The token is gone with the integration: so is its Tripletex session.
    this.clients.forget(state.companyId);
    if (failure) this.logger.warn({ companyId: state.companyId }, failure);
    else
      this.logger.log(
        { companyId: state.companyId },
        'unsubscribed from Tripletex customer webhooks',
      );
  }
}
