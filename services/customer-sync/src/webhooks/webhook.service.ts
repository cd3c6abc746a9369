import { Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@pos-tripletex/platform';
import { CompanyClients, Customer, TripletexError } from '@pos-tripletex/tripletex';
import { DataSource } from 'typeorm';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { CUSTOMER_FIELDS, CustomersRepository } from '../customers/customers.repository';
import { companyClient } from '../sync/company-client';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { SyncRunLifecycle } from '../sync/sync-run.lifecycle';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { customerEventOf, sameSecret, webhookSignature } from './webhook-delivery';

/** One webhook call as it came in. */
export interface WebhookCall {
  companyId: string;
  /** The exact bytes Tripletex sent: the signature is over them. */
  rawBody: string;
  body: unknown;
  idempotencyKey?: string;
  signature?: string;
  /** The value of our secret header (WEBHOOK_AUTH_HEADER). */
  secret?: string;
}

export interface WebhookOutcome {
  applied: boolean;
  reason?: string;
}

/**
 * Verifies and applies Tripletex's customer webhooks. A call counts only with the subscription's
 * secret header and a valid HMAC-SHA512 signature over `idempotency-key&body`; an idempotency key
 * already applied changes nothing. Each create/update re-reads the customer (payloads may skip
 * versions); a delete marks it deleted. 503 when Tripletex cannot be read, so Tripletex delivers
 * again.
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger(WebhookService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly syncRuns: SyncRunLifecycle,
    private readonly customers: CustomersRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly clients: CompanyClients,
    private readonly secrets: SecretBox,
  ) {}

  async receive(call: WebhookCall): Promise<WebhookOutcome> {
    const { companyId, idempotencyKey } = call;
    const state = await this.syncRuns.load(companyId);
    if (!state?.webhookSecrets) throw CustomerSyncErrors.webhookRefused('unknown webhook target');
    if (!sameSecret(call.secret, this.secrets.open(state.webhookSecrets.authHeader, companyId)))
      throw CustomerSyncErrors.webhookRefused('wrong or missing secret');
    const hmac = this.secrets.open(state.webhookSecrets.hmac, companyId);
    const expected = webhookSignature(hmac, idempotencyKey ?? '', call.rawBody);
    if (!idempotencyKey || !sameSecret(call.signature, expected))
      throw CustomerSyncErrors.webhookRefused('missing idempotency key or bad signature');
    if (!state.active) return { applied: false, reason: 'the integration is not active' };

    const delivered = customerEventOf(call.body, state.subscriptionIds);
    if (!delivered) throw CustomerSyncErrors.webhookInvalid();
    const { event, customerId } = delivered;
    // Re-read outside the transaction (Tripletex may be slow); apply with the key in one transaction.
    const customer = event === 'customer.delete' ? null : await this.readOr503(state, customerId);
    const applied = await this.dataSource.transaction(async (tx) => {
      // Deactivated while Tripletex was read: the pick list stays empty (row locked until commit).
      if (!(await this.syncRuns.isActive(companyId, tx))) return 'inactive';
      if (!(await this.deliveries.recordOnce(tx, companyId, idempotencyKey))) return 'replayed';
      // An older version never replaces a newer one (e.g. a sync's copy against this update).
      if (customer) await this.customers.upsert(tx, companyId, [customer], null);
      else await this.customers.markDeleted(tx, companyId, [customerId]);
      return 'applied';
    });
    this.logger.log({ companyId, event, customerId, applied }, `webhook ${event} ${customerId}`);
    if (applied === 'applied') return { applied: true };
    return {
      applied: false,
      reason:
        applied === 'inactive'
          ? 'the integration is not active'
          : 'already applied (replayed idempotency key)',
    };
  }

  /** The customer as Tripletex has it now (null: deleted meanwhile); 503 when it cannot be read. */
  private async readOr503(state: SyncStateEntity, customerId: number): Promise<Customer | null> {
    try {
      return await companyClient(this.clients, state).getCustomer(customerId, CUSTOMER_FIELDS);
    } catch (error) {
      if (TripletexError.is(error, 'not-found')) return null;
      throw CustomerSyncErrors.tripletexUnavailable((error as Error).message);
    }
  }
}
