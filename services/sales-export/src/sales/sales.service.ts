import { Controller, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import {
  CheckoutCompletedV1,
  DayClosedV1,
  IntegrationConfigV1,
  parseEvent,
  Topics,
} from '@pos-tripletex/contracts';
import { BatchConsumers, Inbox, ReceivedMessage, rejectionEvents } from '@pos-tripletex/messaging';
import { businessDayOf } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../bootstrap';
import { CLOSES_AT_SQL, dayBoundaries } from '../days/day-boundaries';
import { DayStatusPublisher } from '../days/day-status.publisher';
import { SaleLine, SalePayment } from './entities/sale.entity';
import { ExportWorker } from '../days/export.worker';

interface SaleRow {
  event_id: string;
  company_id: string;
  location_id: string;
  business_day: string;
  receipt_number: string;
  kind: string;
  completed_at: string;
  invoiced: boolean;
  total_gross: number;
  tip: number;
  rounding: number;
  lines: SaleLine[];
  payments: SalePayment[];
  cutoff: number;
  grace: number;
}

/** A checkout reduced to what the accounts need (lines and payments summed per key). */
export function saleRow(
  c: CheckoutCompletedV1,
  config: IntegrationConfigV1 | null | undefined,
): SaleRow {
  const { cutoffHour, graceMinutes } = dayBoundaries(config);
  const lines = new Map<string, SaleLine>();
  for (const l of c.lines) {
    const key = `${l.productGroupId}|${l.vatRate}|${l.takeaway}`;
    const line = lines.get(key) ?? [l.productGroupId, l.vatRate, l.takeaway, 0];
    line[3] += l.totalGross;
    lines.set(key, line);
  }
  const payments = new Map<string, SalePayment>();
  for (const p of c.payments) {
    const payment = payments.get(p.paymentMethodId) ?? [p.paymentMethodId, p.method, 0];
    payment[2] += p.amount;
    payments.set(p.paymentMethodId, payment);
  }
  return {
    event_id: c.eventId,
    company_id: c.companyId,
    location_id: c.locationId,
    business_day: businessDayOf(c.completedAt, cutoffHour),
    receipt_number: c.receiptNumber,
    kind: c.kind,
    completed_at: c.completedAt,
    invoiced: c.payments.some((p) => p.method === 'INVOICE'),
    total_gross: c.payments.reduce((s, p) => s + p.amount, 0),
    tip: c.tip ?? 0,
    rounding: c.rounding ?? 0,
    lines: [...lines.values()],
    payments: [...payments.values()],
    cutoff: cutoffHour,
    grace: graceMinutes,
  };
}

/**
 * Stores every checkout (pos.checkout.completed.v1) a chunk at a time: one transaction writes the
 * processed-event rows, the sales and the days they touch (counts, revision, receipt range), and
 * the status of days that change. A sale for a day already exported reopens it (CLOSED) for a
 * correction voucher; a sale for a day long past closes its new day at once.
 */
@Injectable()
export class SalesIngest implements OnApplicationBootstrap {
  private readonly logger = new Logger(SalesIngest.name);

  constructor(
    private readonly consumers: BatchConsumers,
    private readonly inbox: Inbox,
    private readonly statuses: DayStatusPublisher,
    private readonly worker: ExportWorker,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const groupId =
      this.config.get<string>('CHECKOUT_CONSUMER_GROUP_ID') ||
      `${this.config.getOrThrow<string>('KAFKA_GROUP_ID')}-checkouts`;
    await this.consumers.start({
      groupId,
      topic: Topics.CheckoutCompletedV1,
      chunkSize: this.config.get<number>('INGEST_CHUNK_SIZE', 500),
      handle: (messages) => this.ingest(messages, groupId),
    });
  }

  async ingest(messages: ReceivedMessage[], consumer: string): Promise<void> {
    const outcome = await this.inbox.processBatch(messages, {
      consumer,
      // sales-export owns the intake of POS records: every refusal is announced to the POS.
      rejection: rejectionEvents(SERVICE_NAME),
      parse: (value) => parseEvent(Topics.CheckoutCompletedV1, value),
      eventId: (e) => e.eventId,
      handleBatch: (events, tx) =>
        this.store(
          events.map((e) => e.event),
          tx,
        ),
    });
    if (outcome.processed > 0) this.worker.nudge();
    if (outcome.deadLettered > 0)
      this.logger.warn(`${outcome.deadLettered} checkout(s) rejected to the dead-letter topic`);
  }

  async store(checkouts: CheckoutCompletedV1[], tx: EntityManager): Promise<void> {
    const companies = [...new Set(checkouts.map((c) => c.companyId))];
    const configs = new Map(
      (
        await tx.query<{ company_id: string; config: IntegrationConfigV1 }[]>(
          'SELECT company_id, config FROM company_settings WHERE company_id = ANY($1)',
          [companies],
        )
      ).map((r) => [r.company_id, r.config]),
    );
    const rows = checkouts.map((c) => saleRow(c, configs.get(c.companyId)));
    const inserted = new Set(
      (
        await tx.query<{ event_id: string }[]>(
          `INSERT INTO sales (event_id, company_id, location_id, business_day, receipt_number, kind,
                              completed_at, invoiced, total_gross, tip, rounding, lines, payments, received_at)
           SELECT event_id, company_id, location_id, business_day, receipt_number, kind, completed_at,
                  invoiced, total_gross, tip, rounding, lines, payments, now()
           FROM jsonb_to_recordset($1::jsonb) AS s(event_id uuid, company_id varchar, location_id varchar,
                business_day date, receipt_number varchar, kind varchar, completed_at timestamptz,
                invoiced boolean, total_gross bigint, tip bigint, rounding bigint, lines jsonb, payments jsonb)
           ON CONFLICT (event_id) DO NOTHING
           RETURNING event_id`,
          [JSON.stringify(rows)],
        )
      ).map((r) => r.event_id),
    );
    const days = new Map<
      string,
      {
        company_id: string;
        location_id: string;
        business_day: string;
        checkouts: number;
        first: SaleRow;
        last: SaleRow;
        cutoff: number;
        grace: number;
      }
    >();
    for (const row of rows) {
      if (!inserted.has(row.event_id)) continue;
      const key = `${row.company_id}\u0000${row.location_id}\u0000${row.business_day}`;
      const day = days.get(key);
      if (!day) {
        days.set(key, { ...row, checkouts: 1, first: row, last: row });
        continue;
      }
      day.checkouts++;
      if (Date.parse(row.completed_at) < Date.parse(day.first.completed_at)) day.first = row;
      if (Date.parse(row.completed_at) >= Date.parse(day.last.completed_at)) day.last = row;
    }
    if (days.size === 0) return;
    const touched = await tx.query<
      {
        company_id: string;
        location_id: string;
        business_day: string;
        status: string;
        before: string | null;
        checkouts: number;
        posted_gross: string;
      }[]
    >(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(company_id varchar, location_id varchar,
           business_day date, checkouts int, first_receipt varchar, last_receipt varchar,
           first_sale_at timestamptz, last_sale_at timestamptz, cutoff int, grace int)
       ), before AS (
         SELECT d.company_id, d.location_id, d.business_day, d.status
         FROM days d JOIN input i USING (company_id, location_id, business_day)
         FOR UPDATE OF d
       ), upserted AS (
         INSERT INTO days AS d (company_id, location_id, business_day, status, checkouts, revision,
           first_receipt, last_receipt, first_sale_at, last_sale_at, closes_at, closed_at, closed_by,
           next_attempt_at, created_at, updated_at)
         SELECT i.company_id, i.location_id, i.business_day,
           CASE WHEN c.closes_at <= now() THEN 'CLOSED' ELSE 'OPEN' END,
           i.checkouts, 1, i.first_receipt, i.last_receipt, i.first_sale_at, i.last_sale_at, c.closes_at,
           CASE WHEN c.closes_at <= now() THEN now() END,
           CASE WHEN c.closes_at <= now() THEN 'CUTOFF' END,
           now(), now(), now()
         FROM input i CROSS JOIN LATERAL (SELECT ${CLOSES_AT_SQL('i.business_day', 'i.cutoff', 'i.grace')} AS closes_at) c
         ON CONFLICT (company_id, location_id, business_day) DO UPDATE SET
           checkouts = d.checkouts + EXCLUDED.checkouts,
           revision = d.revision + 1,
           first_receipt = CASE WHEN d.first_sale_at IS NULL OR EXCLUDED.first_sale_at < d.first_sale_at
                                THEN EXCLUDED.first_receipt ELSE d.first_receipt END,
           first_sale_at = LEAST(d.first_sale_at, EXCLUDED.first_sale_at),
           last_receipt = CASE WHEN d.last_sale_at IS NULL OR EXCLUDED.last_sale_at >= d.last_sale_at
                               THEN EXCLUDED.last_receipt ELSE d.last_receipt END,
           last_sale_at = GREATEST(d.last_sale_at, EXCLUDED.last_sale_at),
           status = CASE WHEN d.status IN ('POSTED', 'NOTHING_TO_POST') THEN 'CLOSED' ELSE d.status END,
           next_attempt_at = CASE WHEN d.status IN ('POSTED', 'NOTHING_TO_POST') THEN now() ELSE d.next_attempt_at END,
           updated_at = now()
         RETURNING d.company_id, d.location_id, d.business_day, d.status, d.checkouts, d.posted_gross
       )
       SELECT u.company_id, u.location_id, u.business_day::text AS business_day, u.status,
              b.status AS before, u.checkouts, u.posted_gross
       FROM upserted u LEFT JOIN before b USING (company_id, location_id, business_day)`,
      [
        JSON.stringify(
          // A stable order keeps deadlocks between writers of several days rare (the Inbox retries one).
          [...days.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([, d]) => ({
              company_id: d.company_id,
              location_id: d.location_id,
              business_day: d.business_day,
              checkouts: d.checkouts,
              first_receipt: d.first.receipt_number,
              last_receipt: d.last.receipt_number,
              first_sale_at: d.first.completed_at,
              last_sale_at: d.last.completed_at,
              cutoff: d.cutoff,
              grace: d.grace,
            })),
        ),
      ],
    );
    const changed = touched.filter((t) => t.status !== t.before);
    await this.statuses.publish(
      tx,
      changed.map((t) => ({
        day: {
          companyId: t.company_id,
          locationId: t.location_id,
          businessDay: t.business_day,
          checkouts: t.checkouts,
          postedGross: Number(t.posted_gross),
        },
        status: t.status as 'OPEN' | 'CLOSED',
      })),
    );
  }
}

/** pos.day.closed.v1: the POS's Z-report closes the day once its checkouts have all arrived. */
@Controller()
export class DayClosedConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly worker: ExportWorker,
  ) {}

  @EventPattern(Topics.DayClosedV1)
  async onDayClosed(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.inbox.consume(ctx, Topics.DayClosedV1, (event, tx) => recordZReport(event, tx), {
      rejection: rejectionEvents(SERVICE_NAME),
    });
    this.worker.nudge();
  }
}

export async function recordZReport(z: DayClosedV1, tx: EntityManager): Promise<void> {
  const [config] = await tx.query<{ config: IntegrationConfigV1 }[]>(
    'SELECT config FROM company_settings WHERE company_id = $1',
    [z.companyId],
  );
  const { cutoffHour, graceMinutes } = dayBoundaries(config?.config);
  await tx.query(
    `INSERT INTO days AS d (company_id, location_id, business_day, status, closes_at,
       z_checkout_count, z_total_gross, z_received_at, next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3::date, 'OPEN', ${CLOSES_AT_SQL('$3::date', '$6::int', '$7::int')}, $4, $5, now(), now(), now(), now())
     ON CONFLICT (company_id, location_id, business_day) DO UPDATE SET
       z_checkout_count = EXCLUDED.z_checkout_count, z_total_gross = EXCLUDED.z_total_gross,
       z_received_at = now(), updated_at = now()`,
    [
      z.companyId,
      z.locationId,
      z.businessDay,
      z.checkoutCount ?? null,
      z.totalGross ?? null,
      cutoffHour,
      graceMinutes,
    ],
  );
}
