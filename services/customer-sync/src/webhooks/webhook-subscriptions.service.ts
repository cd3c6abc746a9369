import { Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@pos-tripletex/platform';
import { CompanyClients, TripletexError } from '@pos-tripletex/tripletex';
import { randomBytes } from 'node:crypto';
import { CustomerSyncEnv } from '../config/env.schema';
import { companyClient } from '../sync/company-client';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { SyncRunLifecycle, WebhookSecrets } from '../sync/sync-run.lifecycle';
import { CUSTOMER_EVENTS, WEBHOOK_AUTH_HEADER } from './webhook-delivery';

/**
 * Our customer webhook subscriptions in Tripletex: created (with a secret header and an HMAC
 * secret of our own) when an integration becomes active, deleted when it is deactivated – both
 * as sync work the worker claims (SyncService.takeTurn).
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

  /** Where Tripletex delivers the company's webhooks. */
  webhookUrl(companyId: string): string {
    return `${this.env.WEBHOOK_PUBLIC_URL.replace(/\/+$/, '')}/v1/webhooks/tripletex/${encodeURIComponent(companyId)}`;
  }

  /** Fresh secrets (sealed for the company): the auth header's value and the HMAC secret. */
  newSecrets(companyId: string): WebhookSecrets {
    return {
      authHeader: this.secrets.seal(randomBytes(32).toString('base64url'), companyId),
      hmac: this.secrets.seal(randomBytes(32).toString('base64url'), companyId),
    };
  }

  async subscribe(state: SyncStateEntity): Promise<void> {
    const tripletex = companyClient(this.clients, state);
    const url = this.webhookUrl(state.companyId);
    // Leftovers of an earlier attempt (their secrets are write-only, so they are replaced).
    for (const existing of (await tripletex.listSubscriptions()).values ?? []) {
      if (existing.targetUrl === url && existing.id)
        await tripletex.deleteSubscription(existing.id).catch(() => undefined);
    }
    const authHeader = this.secrets.open(state.webhookSecrets!.authHeader, state.companyId);
    const hmac = this.secrets.open(state.webhookSecrets!.hmac, state.companyId);
    const ids: Record<string, number> = {};
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
    await this.syncRuns.subscribed(state, ids);
    this.logger.log(
      { companyId: state.companyId, subscriptions: ids },
      'subscribed to Tripletex customer webhooks',
    );
  }

  /** Deletes our subscriptions with the last token we had (gone already is fine). */
  async unsubscribe(state: SyncStateEntity): Promise<void> {
    if (state.tokenCiphertext) {
      const tripletex = companyClient(this.clients, state);
      for (const id of Object.values(state.subscriptionIds)) {
        await tripletex.deleteSubscription(id).catch((error: unknown) => {
          if (!TripletexError.is(error, 'not-found')) throw error;
        });
      }
    }
    await this.syncRuns.unsubscribed(state);
    // The token is gone with the integration: so is its Tripletex session.
    this.clients.forget(state.companyId);
    this.logger.log(
      { companyId: state.companyId },
      'unsubscribed from Tripletex customer webhooks',
    );
  }
}
