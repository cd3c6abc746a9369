import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { counter, describeError } from '@pos-tripletex/platform';
import { Message } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { KafkaClient, MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { KafkaSettings } from '../kafka/kafka-config';

const published = counter({
  name: 'pos_events_published_total',
  help: 'Events published from the outbox, by topic',
  labelNames: ['topic'] as const,
});

const BATCH_SIZE = 500;
const RETENTION_DAYS = 7;
const CLEANUP_EVERY_MS = 10 * 60 * 1000;

interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows in id order and stamps them sent. Only one instance of a service relays
 * at a time (a transaction-scoped advisory lock), which keeps per-key order intact when the
 * service is scaled out. Delivery is at least once: a crash between the broker's ack and the
 * commit publishes the row again, and consumers drop the duplicate by eventId.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastCleanup = 0;
  private readonly lockKey: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaClient,
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
  ) {
    const schema = (dataSource.options as PostgresDataSourceOptions).schema ?? 'public';
    this.lockKey = `outbox:${schema}`;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    // One last pass so events of work that just finished go out before we stop.
    await this.publishBatch().catch(() => 0);
  }

  /** Asks for a pass shortly (after the caller's transaction has had time to commit). */
  nudgeSoon(): void {
    setTimeout(() => this.wake?.(), 5).unref();
  }

  /** Publishes one batch; returns how many rows went out. Exposed for tests and scripts. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [this.lockKey],
      );
      if (!locked) return 0;
      const rows = await tx.query<OutboxRow[]>(
        `SELECT id, topic, key, value, headers FROM outbox_messages
         WHERE sent_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.kafka.send(groupByTopic(rows));
      for (const row of rows) published.inc({ topic: row.topic });
      await tx.query('UPDATE outbox_messages SET sent_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        failures = 0;
        await this.cleanupIfDue();
      } catch (error) {
        failures++;
        this.logger.error(`outbox relay failed (${failures} in a row): ${describeError(error)}`);
      }
      if (published === BATCH_SIZE && failures === 0) continue;
      const wait =
        failures > 0 ? Math.min(30_000, 500 * 2 ** failures) : this.settings.outboxPollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async cleanupIfDue(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox_messages WHERE sent_at < now() - make_interval(days => $1)`,
      [RETENTION_DAYS],
    );
  }
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
