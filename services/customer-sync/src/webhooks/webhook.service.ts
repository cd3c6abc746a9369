import { Injectable, Logger } from '@nestjs/common';
import { describeError, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { CompanyClients, Customer, TripletexError } from '@pos-tripletex/tripletex';
import { DataSource } from 'typeorm';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { CUSTOMER_FIELDS, CustomersRepository } from '../customers/customers.repository';
import { companyClient } from '../sync/company-client';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { SyncRunLifecycle } from '../sync/sync-run.lifecycle';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { customerEventOf, DeliveryCall, ExpectedDelivery, refusalOf } from './webhook-delivery';

const REPLAYED = 'already applied (replayed idempotency key)';

/** One webhook call as it came in. */
export interface WebhookCall extends DeliveryCall {
  companyId: string;
  /** The exact bytes Tripletex sent: the signature is over them. */
  rawBody: string;
  /** The value of our secret header (WEBHOOK_AUTH_HEADER). */
  secret?: string;
}

export interface WebhookOutcome {
  applied: boolean;
  reason?: string;
}

/**
 * Verifies and applies Tripletex's customer webhooks. A call counts only with the subscription's
 * secret header, a valid HMAC-SHA512 signature over `idempotency-key&body` and one of the
 * company's current subscriptions; anything else gets one and the same 401, whatever the reason
 * (logged here, never answered). An idempotency key already applied changes nothing. The delivery
 * is only a pointer: every event – a delete too – re-reads the customer, so an old or replayed
 * delivery can only bring the mirror to what Tripletex has now. 503 when Tripletex cannot be read,
 * so Tripletex delivers again.
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
    const { companyId } = call;
    const { state, idempotencyKey } = this.authenticated(call, await this.syncRuns.load(companyId));
    if (!state.active) return { applied: false, reason: 'the integration is not active' };

    const delivered = customerEventOf(call.body, state.subscriptionIds);
    if (!delivered) throw CustomerSyncErrors.webhookInvalid();
    const { event, customerId } = delivered;
    // A replay costs no Tripletex call (the transaction below decides for a concurrent one).
    if (await this.deliveries.seen(companyId, idempotencyKey))
      return { applied: false, reason: REPLAYED };
    // Re-read outside the transaction (Tripletex may be slow); apply with the key in one
    // transaction. A delete counts only when Tripletex no longer has the customer.
    const customer = await this.readOr503(state, customerId);
    const applied = await this.dataSource.transaction(async (tx) => {
      // Deactivated while Tripletex was read: the pick list stays empty (row locked until commit).
      if (!(await this.syncRuns.isActive(companyId, tx))) return 'inactive';
      if (!(await this.deliveries.recordOnce(tx, companyId, idempotencyKey))) return 'replayed';
      // An older version never replaces a newer one (e.g. a sync's copy against this update).
      if (customer) await this.customers.upsert(tx, companyId, [customer], null);
      else await this.customers.markDeleted(tx, companyId, [customerId]);
      return 'applied';
    });
    this.logger.log(
      { companyId, event, customerId, applied, found: customer !== null },
      `webhook ${event} ${customerId}`,
    );
    if (applied === 'applied') return { applied: true };
    return {
      applied: false,
      reason: applied === 'inactive' ? 'the integration is not active' : REPLAYED,
    };
  }

  /**
   * The company's state and the delivery's idempotency key, if the call is an authentic delivery
   * of its current subscriptions; else the one WEBHOOK_REFUSED, with the real reason in the log
   * (an error when the company's own secrets do not open: a key left ENCRYPTION_KEYS too early).
   */
  private authenticated(
    call: WebhookCall,
    state: SyncStateEntity | null,
  ): { state: SyncStateEntity; idempotencyKey: string } {
    let reason: string | null;
    if (!state?.webhookSecrets) {
      reason = state
        ? 'the company has no webhook subscription'
        : 'no company with this id has a sync state';
    } else {
      let expected: ExpectedDelivery;
      try {
        expected = {
          secret: this.secrets.open(
            state.webhookSecrets.authHeader,
            SecretBindings.webhookAuthHeader(call.companyId),
          ),
          hmacSecret: this.secrets.open(
            state.webhookSecrets.hmac,
            SecretBindings.webhookHmac(call.companyId),
          ),
          subscriptionIds: state.subscriptionIds,
        };
      } catch (error) {
        this.logger.error(
          { companyId: call.companyId },
          `webhook refused: the company's webhook secrets do not open: ${describeError(error)}`,
        );
        throw CustomerSyncErrors.webhookRefused();
      }
      reason = refusalOf(call, expected);
    }
    if (reason === null && state && call.idempotencyKey)
      return { state, idempotencyKey: call.idempotencyKey };
    // The company id is the caller's: cut to the longest real one.
    this.logger.warn(
      { companyId: call.companyId.slice(0, 64), reason },
      `webhook refused: ${reason}`,
    );
    throw CustomerSyncErrors.webhookRefused();
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
