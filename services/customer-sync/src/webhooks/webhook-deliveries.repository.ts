import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Idempotency keys are kept this long: far longer than Tripletex retries a delivery (about 30 h).
 * A delivery replayed after that is applied again – harmless, as it only makes us re-read the
 * customer (WebhookService).
 */
export const KEEP_DAYS = 7;

/** The idempotency keys of webhook deliveries already applied (`webhook_deliveries`). */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the key was applied before (a replay). */
  async seen(companyId: string, idempotencyKey: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM webhook_deliveries WHERE company_id = $1 AND idempotency_key = $2',
      [companyId, idempotencyKey.slice(0, 100)],
    );
    return rows.length > 0;
  }

  /** Records the key in the caller's transaction; false when it was applied before (a replay). */
  async recordOnce(tx: EntityManager, companyId: string, idempotencyKey: string): Promise<boolean> {
    const [fresh] = await tx.query<unknown[]>(
      `INSERT INTO webhook_deliveries (company_id, idempotency_key, received_at) VALUES ($1, $2, now())
       ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [companyId, idempotencyKey.slice(0, 100)],
    );
    return fresh !== undefined;
  }

  /** Forgets keys older than a week (the sync worker's housekeeping). */
  async forgetOld(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(days => $1)`,
      [KEEP_DAYS],
    );
  }
}
