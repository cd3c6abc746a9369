import { Controller, Headers, HttpCode, Logger, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SecretBox } from '@pos-tripletex/platform';
import type { Request } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { CustomersRepository } from '../customers/customers.repository';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { SyncRunLifecycle } from '../sync/sync-run.lifecycle';
import { CUSTOMER_EVENTS, SyncService, WEBHOOK_AUTH_HEADER } from '../sync/sync.service';

interface WebhookBody {
  subscriptionId?: unknown;
  event?: unknown;
  id?: unknown;
  value?: { version?: unknown } | null;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const refused = CustomerSyncErrors.webhookRefused;

/**
 * Receives Tripletex's customer webhooks. A call counts only with the subscription's secret header
 * and a valid HMAC-SHA512 signature over `idempotency-key&body`; an idempotency key already applied
 * changes nothing. Each create/update re-reads the customer (payloads may skip versions); a delete
 * marks it deleted. 503 when Tripletex cannot be read, so Tripletex delivers again.
 */
@ApiExcludeController()
@Controller('v1/webhooks/tripletex')
export class WebhookController {
  private readonly logger = new Logger(WebhookController.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly sync: SyncService,
    private readonly syncRuns: SyncRunLifecycle,
    private readonly customers: CustomersRepository,
  ) {}

  @Post(':companyId')
  @HttpCode(200)
  async receive(
    @Param('companyId') companyId: string,
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-request-signature') signature: string | undefined,
    @Headers(WEBHOOK_AUTH_HEADER) secret: string | undefined,
  ): Promise<{ applied: boolean; reason?: string }> {
    const state = await this.syncRuns.load(companyId);
    if (!state?.webhookSecrets) throw refused('unknown webhook target');
    if (!sameSecret(secret, this.secrets.open(state.webhookSecrets.authHeader, companyId)))
      throw refused('wrong or missing secret');
    const raw = req.rawBody?.toString('utf8') ?? '';
    const hmac = this.secrets.open(state.webhookSecrets.hmac, companyId);
    const expected = createHmac('sha512', hmac)
      .update(`${idempotencyKey ?? ''}&${raw}`)
      .digest('base64');
    if (!idempotencyKey || !sameSecret(signature, expected))
      throw refused('missing idempotency key or bad signature');
    if (!state.active) return { applied: false, reason: 'the integration is not active' };

    const body = (req.body ?? {}) as WebhookBody;
    const event = body.event as string;
    const customerId = body.id;
    if (
      !CUSTOMER_EVENTS.includes(event as (typeof CUSTOMER_EVENTS)[number]) ||
      typeof customerId !== 'number' ||
      !Object.values(state.subscriptionIds).includes(body.subscriptionId as number)
    ) {
      throw CustomerSyncErrors.webhookInvalid();
    }
    // Re-read outside the transaction (Tripletex may be slow); apply with the key in one transaction.
    const customer = event === 'customer.delete' ? null : await this.readOr503(state, customerId);
    const applied = await this.dataSource.transaction(async (tx) => {
      const [fresh] = await tx.query<unknown[]>(
        `INSERT INTO webhook_deliveries (company_id, idempotency_key, received_at) VALUES ($1, $2, now())
         ON CONFLICT DO NOTHING RETURNING idempotency_key`,
        [companyId, idempotencyKey.slice(0, 100)],
      );
      if (!fresh) return false;
      if (customer) await this.customers.upsert(tx, companyId, [customer], null);
      else await this.customers.markDeleted(tx, companyId, [customerId]);
      return true;
    });
    this.logger.log({ companyId, event, customerId, applied }, `webhook ${event} ${customerId}`);
    return applied
      ? { applied: true }
      : { applied: false, reason: 'already applied (replayed idempotency key)' };
  }

  private async readOr503(state: SyncStateEntity, customerId: number) {
    try {
      return await this.sync.readCustomer(state, customerId);
    } catch (error) {
      throw CustomerSyncErrors.tripletexUnavailable((error as Error).message);
    }
  }
}
