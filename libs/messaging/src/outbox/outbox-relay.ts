import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { counter, describeError, WorkLoop } from '@pos-tripletex/platform';
import { Message } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { isRecordRefusedByBroker } from '../inbox/failures';
import { KafkaClient, MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { KafkaSettings } from '../kafka/kafka-config';

const published = counter({
  name: 'pos_events_published_total',
  help: 'Events published from the outbox, by topic',
  labelNames: ['topic'] as const,
});

const parked = counter({
  name: 'pos_outbox_parked_total',
  help: 'Outbox rows the broker refused (too large, …), parked with the reason instead of published',
  labelNames: ['topic'] as const,
});

/** Rows read per transaction. */
const BATCH_ROWS = 500;
/** Bytes per produce request (the broker takes up to its socket.request.max.bytes, 100 MB). */
const BATCH_BYTES = 4 * 1024 * 1024;

interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows in id order and stamps them sent, a bounded chunk per transaction (rows
 * and bytes), so tens of thousands of events written by one transaction go out in steps. Only one
 * instance of a service relays at a time (a transaction-scoped advisory lock), which keeps per-key
 * order intact when the service is scaled out. A row the broker refuses for itself (too large) is
 * parked with the reason (`parked_at`, `park_reason`, metric `pos_outbox_parked_total`) and the
 * rows behind it go on; a broker that is away makes the relay wait and try again. Delivery is at
 * least once: a crash between the broker's ack and the commit publishes the row again, and
 * consumers drop the duplicate by eventId.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly lockKey: string;
  private readonly loop = WorkLoop.periodic('outbox relay', () => this.drain(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaClient,
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
  ) {
    const schema = (dataSource.options as PostgresDataSourceOptions).schema ?? 'public';
    this.lockKey = `outbox:${schema}`;
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.settings.outboxPollIntervalMs, { now: true });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    // One last pass so events of work that just finished go out before we stop.
    await this.publishBatch().catch(() => 0);
  }

  /** Asks for a pass shortly (after the caller's transaction has had time to commit). */
  nudgeSoon(): void {
    setTimeout(() => this.loop.nudge(), 5).unref();
  }

  /** Publishes until the outbox is empty (or another instance holds the lock). */
  private async drain(): Promise<void> {
    while ((await this.publishBatch()) === BATCH_ROWS);
  }

  /** Publishes one batch; returns how many rows it handled. Exposed for tests and scripts. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [this.lockKey],
      );
      if (!locked) return 0;
      const rows = await tx.query<OutboxRow[]>(
        `SELECT id, topic, key, value, headers FROM outbox_messages
         WHERE sent_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_ROWS],
      );
      for (const chunk of byBytes(rows)) {
        try {
          await this.kafka.send(groupByTopic(chunk));
          await markSent(tx, chunk);
        } catch (error) {
          if (!isRecordRefusedByBroker(error)) throw error;
          // One of them is refused for itself: send them one by one and park only that one.
          for (const row of chunk) await this.sendOrPark(tx, row);
        }
      }
      return rows.length;
    });
  }

  private async sendOrPark(tx: EntityManager, row: OutboxRow): Promise<void> {
    try {
      await this.kafka.send(groupByTopic([row]));
      await markSent(tx, [row]);
    } catch (error) {
      if (!isRecordRefusedByBroker(error)) throw error;
      const reason = `the broker refused the record: ${describeError(error)}`.slice(0, 2000);
      await tx.query(
        'UPDATE outbox_messages SET parked_at = now(), park_reason = $2 WHERE id = $1',
        [row.id, reason],
      );
      parked.inc({ topic: row.topic });
      this.logger.error(
        { outboxId: row.id, topic: row.topic, bytes: row.value?.length ?? 0 },
        `outbox row ${row.id} for ${row.topic} parked: ${reason}`,
      );
    }
  }
}

async function markSent(tx: EntityManager, rows: OutboxRow[]): Promise<void> {
  for (const row of rows) published.inc({ topic: row.topic });
  await tx.query('UPDATE outbox_messages SET sent_at = now() WHERE id = ANY($1::bigint[])', [
    rows.map((r) => r.id),
  ]);
}

/** Consecutive runs of rows whose values add up to at most BATCH_BYTES (at least one row each). */
function byBytes(rows: OutboxRow[]): OutboxRow[][] {
  const chunks: OutboxRow[][] = [];
  let current: OutboxRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = (row.value?.length ?? 0) + (row.key?.length ?? 0) + 256;
    if (current.length > 0 && bytes + size > BATCH_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function groupByTopic(rows: OutboxRow[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.key, value: row.value, headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages }));
}
