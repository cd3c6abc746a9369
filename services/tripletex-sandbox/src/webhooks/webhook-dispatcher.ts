import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFields, project } from '../api/fields';
import { SpecRouter } from '../api/spec-router';
import { SandboxEvents, SandboxEventType } from '../state/sandbox-events';
import { CompanyState, Entity } from '../state/sandbox-state';
import { WebhookPolicy } from './webhook-policy';

/**
 * Delivers Tripletex webhooks: for each ACTIVE subscription of the company to the event, POST
 * `{subscriptionId, event, id, value}` (value null on delete) to its targetUrl with its auth
 * header, an `idempotency-key`, and `x-request-signature` = base64(HmacSHA512(idempotency-key + '&'
 * + body)) when it has an HMAC secret. A failed delivery is retried with growing pauses
 * (`SANDBOX_WEBHOOK_RETRY_DELAYS_MS`; Tripletex retries for 30 hours, a sandbox need not); after
 * `SANDBOX_WEBHOOK_DISABLE_AFTER_FAILURES` failed attempts in a row the subscription becomes
 * DISABLED_TOO_MANY_ERRORS and nothing more is delivered to it until a PUT sets it ACTIVE again.
 */
@Injectable()
export class WebhookDispatcher extends SandboxEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopped = false;
  readonly deliveries: {
    subscriptionId: number;
    event: string;
    id: number;
    status: number | 'error';
    attempt: number;
  }[] = [];

  emit(company: CompanyState, event: SandboxEventType, entity: Entity): void {
    for (const subscription of company.subscriptions.values()) {
      if (subscription.event !== event || subscription.status !== 'ACTIVE') continue;
      const body = JSON.stringify({
        subscriptionId: subscription.id,
        event,
        id: entity.id,
        // Filtered by the subscription's `fields`, like an API answer; null on delete.
        value: event.endsWith('.delete')
          ? null
          : this.project(entity, subscription.fields as string | undefined),
      });
      void this.deliver(company, subscription.id, event, entity.id, body);
    }
  }

  constructor(
    private readonly router: SpecRouter,
    private readonly policy: WebhookPolicy,
  ) {
    super();
  }

  private project(entity: Entity, fields: string | undefined): unknown {
    const schemas = (
      this.router.spec.components as { schemas: Record<string, Record<string, unknown>> }
    ).schemas;
    return project(entity, parseFields(fields), 'Customer', (name) => schemas[name]);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async deliver(
    company: CompanyState,
    subscriptionId: number,
    event: string,
    id: number,
    body: string,
  ): Promise<void> {
    const idempotencyKey = randomUUID();
    const delays = this.policy.retryDelaysMs;
    for (let attempt = 1; attempt <= delays.length + 1 && !this.stopped; attempt++) {
      // As it is now: deleted or disabled meanwhile means no more attempts.
      const subscription = company.subscriptions.get(subscriptionId);
      if (!subscription || subscription.status !== 'ACTIVE') return;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      };
      if (subscription.authHeaderName && subscription.authHeaderValue) {
        headers[subscription.authHeaderName] = subscription.authHeaderValue;
      }
      if (subscription.hmacSharedSecret) {
        headers['x-request-signature'] = createHmac('sha512', subscription.hmacSharedSecret)
          .update(`${idempotencyKey}&${body}`)
          .digest('base64');
      }
      let status: number | 'error' = 'error';
      if (!this.policy.outage)
        try {
          const res = await fetch(subscription.targetUrl as string, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
        } catch {
          status = 'error';
        }
      this.deliveries.push({ subscriptionId, event, id, status, attempt });
      if (typeof status === 'number' && status >= 200 && status < 300) {
        subscription.failuresInARow = 0;
        return;
      }
      subscription.failuresInARow = (subscription.failuresInARow ?? 0) + 1;
      if (subscription.failuresInARow >= this.policy.disableAfterFailures) {
        subscription.status = 'DISABLED_TOO_MANY_ERRORS';
        subscription.version += 1;
        this.logger.warn(
          `subscription ${subscriptionId} disabled after ${subscription.failuresInARow} failed deliveries in a row`,
        );
        return;
      }
      if (attempt <= delays.length) await sleep(delays[attempt - 1]);
    }
    this.logger.warn(`webhook ${event} ${id} to subscription ${subscriptionId} was not accepted`);
  }
}
