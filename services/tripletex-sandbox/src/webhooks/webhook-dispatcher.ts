import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFields, project } from '../api/fields';
import { SpecRouter } from '../api/spec-router';
import { SandboxEvents, SandboxEventType } from '../state/sandbox-events';
import { CompanyState, Entity } from '../state/sandbox-state';

const RETRY_DELAYS_MS = [500, 2000, 5000, 15000];

/**
 * Delivers Tripletex webhooks: for each ACTIVE subscription of the company to the event, POST
 * `{subscriptionId, event, id, value}` (value null on delete) to its targetUrl with its auth
 * header, an `idempotency-key`, and `x-request-signature` = base64(HmacSHA512(idempotency-key + '&'
 * + body)) when it has an HMAC secret. A failed delivery is retried a few times with growing
 * pauses (Tripletex retries for 30 hours; a sandbox need not).
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
      void this.deliver(subscription, event, entity.id, body);
    }
  }

  constructor(private readonly router: SpecRouter) {
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
    subscription: Entity & {
      authHeaderName?: string;
      authHeaderValue?: string;
      hmacSharedSecret?: string;
    },
    event: string,
    id: number,
    body: string,
  ): Promise<void> {
    const idempotencyKey = randomUUID();
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
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1 && !this.stopped; attempt++) {
      try {
        const res = await fetch(subscription.targetUrl as string, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        this.deliveries.push({
          subscriptionId: subscription.id,
          event,
          id,
          status: res.status,
          attempt,
        });
        if (res.ok) return;
      } catch {
        this.deliveries.push({
          subscriptionId: subscription.id,
          event,
          id,
          status: 'error',
          attempt,
        });
      }
      if (attempt <= RETRY_DELAYS_MS.length) await sleep(RETRY_DELAYS_MS[attempt - 1]);
    }
    this.logger.warn(`webhook ${event} ${id} to subscription ${subscription.id} was not accepted`);
  }
}
