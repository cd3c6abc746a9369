import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import {
  EventsByTopic,
  ParseableTopic,
  ParseResult,
  parseEvent,
  Problem,
} from '@pos-tripletex/contracts';
import { counter, describeError, isRetriable } from '@pos-tripletex/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { KafkaSettings } from '../kafka/kafka-config';
import { MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { fromKafkaContext, ReceivedMessage } from './received-message';

export type InboxOutcome = 'processed' | 'duplicate' | 'dead-lettered';

const consumed = counter({
  name: 'pos_events_consumed_total',
  help: 'Records consumed, by topic and outcome (processed, duplicate, dead-lettered)',
  labelNames: ['topic', 'outcome'] as const,
});

/** A parsed event with the record it came in. */
export interface Received<T> {
  event: T;
  message: ReceivedMessage;
}

export interface BatchInboxHandler<T> {
  /** Name the processed-events rows are kept under; defaults to the service's consumer group. */
  consumer?: string;
  parse(value: Buffer | null): ParseResult<T>;
  eventId(event: T): string;
  /**
   * The effect of several new events at once (redeliveries already removed). Everything it writes
   * through `tx` commits together with their processed-event rows.
   */
  handleBatch(events: Received<T>[], tx: EntityManager): Promise<void>;
}

export interface BatchOutcome {
  processed: number;
  duplicates: number;
  deadLettered: number;
}

export interface InboxHandler<T> {
  /** Name the processed-events rows are kept under; defaults to the service's consumer group. */
  consumer?: string;
  parse(value: Buffer | null): ParseResult<T>;
  eventId(event: T): string;
  /** The effect. Everything it writes through `tx` commits together with the processed-event row. */
  handle(event: T, tx: EntityManager, message: ReceivedMessage): Promise<void>;
}

/** Postgres is unreachable or restarting: our outage, not the event's fault. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  if (/^(08|57P0)/.test(code)) return true; // connection exception, admin/crash shutdown
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return true;
  }
  return e.driverError !== undefined && isDatabaseUnavailable(e.driverError);
}

/**
 * A conflict between concurrent transactions (serialization failure, deadlock, lock not
 * available): nothing is wrong with the event, and trying again succeeds.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && ['40001', '40P01', '55P03'].includes(e.code)) return true;
  return e.driverError !== undefined && isTransientDatabaseError(e.driverError);
}

/**
 * Idempotent consumption. For each record: parse it (a contract violation is dead-lettered at
 * once, it can never succeed); apply the effect and the processed-event row in one transaction (a
 * redelivery finds the row and does nothing); retry transient failures with backoff and keep the
 * group membership alive meanwhile; dead-letter what keeps failing or is final. It returns
 * normally for every outcome so the offset commits; it throws only when it could not even park
 * the record (Kafka down) or the database is unreachable, and then Kafka redelivers it later.
 */
@Injectable()
export class Inbox implements BeforeApplicationShutdown {
  private readonly logger = new Logger(Inbox.name);
  private readonly stopping = new AbortController();

  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  beforeApplicationShutdown(): void {
    // In-flight retries stop waiting; their records stay uncommitted and come back after restart.
    this.stopping.abort();
  }

  /** For a Nest `@EventPattern` handler on one of the contracts' topics. */
  consume<K extends ParseableTopic>(
    ctx: KafkaContext,
    topic: K,
    handle: (event: EventsByTopic[K], tx: EntityManager, message: ReceivedMessage) => Promise<void>,
  ): Promise<InboxOutcome> {
    return this.process(fromKafkaContext(ctx), {
      parse: (value) => parseEvent(topic, value),
      eventId: (event) => (event as { eventId: string }).eventId,
      handle,
    });
  }

  /**
   * Several records in one transaction: parse all (violations are dead-lettered), drop
   * redeliveries with one bulk insert into processed_events, apply the rest with one call of
   * `handleBatch`. If the batch fails for a reason other than an outage, every record is retried
   * on its own (`process`), so one bad record is dead-lettered and never holds up the good ones.
   */
  async processBatch<T>(
    messages: ReceivedMessage[],
    handler: BatchInboxHandler<T>,
  ): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { processed: 0, duplicates: 0, deadLettered: 0 };
    try {
      return await this.applyBatch(messages, handler, outcome);
    } finally {
      const topic = messages[0]?.topic ?? 'unknown';
      consumed.inc({ topic, outcome: 'processed' }, outcome.processed);
      consumed.inc({ topic, outcome: 'duplicate' }, outcome.duplicates);
      consumed.inc({ topic, outcome: 'dead-lettered' }, outcome.deadLettered);
    }
  }

  private async applyBatch<T>(
    messages: ReceivedMessage[],
    handler: BatchInboxHandler<T>,
    outcome: BatchOutcome,
  ): Promise<BatchOutcome> {
    const good: Received<T>[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const parsed = handler.parse(message.value);
      if (!parsed.ok) {
        await this.deadLetterViolation(message, parsed.problems);
        outcome.deadLettered++;
        continue;
      }
      const id = handler.eventId(parsed.event);
      if (seen.has(id)) {
        outcome.duplicates++;
        continue;
      }
      seen.add(id);
      good.push({ event: parsed.event, message });
    }
    if (good.length === 0) return outcome;
    const consumer = handler.consumer ?? this.settings.groupId;
    try {
      const fresh = await this.dataSource.transaction(async (tx) => {
        const inserted: { event_id: string }[] = await tx.query(
          `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
           SELECT $1, e.event_id, e.topic, e.partition, e.offset
           FROM unnest($2::varchar[], $3::varchar[], $4::int[], $5::bigint[]) AS e(event_id, topic, partition, "offset")
           ON CONFLICT (consumer, event_id) DO NOTHING
           RETURNING event_id`,
          [
            consumer,
            good.map((g) => handler.eventId(g.event)),
            good.map((g) => g.message.topic),
            good.map((g) => g.message.partition),
            good.map((g) => g.message.offset),
          ],
        );
        const ids = new Set(inserted.map((r) => r.event_id));
        const events = good.filter((g) => ids.has(handler.eventId(g.event)));
        if (events.length > 0) await handler.handleBatch(events, tx);
        return events.length;
      });
      outcome.processed += fresh;
      outcome.duplicates += good.length - fresh;
      return outcome;
    } catch (error) {
      if (this.stopping.signal.aborted || isDatabaseUnavailable(error)) throw error;
      this.logger.warn(
        `a batch of ${good.length} failed (${describeError(error)}); applying its records one by one`,
      );
    }
    for (const { event, message } of good) {
      const one = await this.processOne(message, {
        consumer,
        parse: () => ({ ok: true, event }),
        eventId: (e) => handler.eventId(e),
        handle: (e, tx, m) => handler.handleBatch([{ event: e, message: m }], tx),
      });
      if (one === 'processed') outcome.processed++;
      else if (one === 'duplicate') outcome.duplicates++;
      else outcome.deadLettered++;
    }
    return outcome;
  }

  private async deadLetterViolation(message: ReceivedMessage, problems: Problem[]): Promise<void> {
    await this.deadLetters.publish(message, {
      code: 'CONTRACT_VIOLATION',
      message: `${problems.length} problem(s): ${problems
        .slice(0, 5)
        .map((p) => `${p.path || '(record)'}: ${p.message}`)
        .join('; ')}`,
      problems,
    });
  }

  async process<T>(message: ReceivedMessage, handler: InboxHandler<T>): Promise<InboxOutcome> {
    const outcome = await this.processOne(message, handler);
    consumed.inc({ topic: message.topic, outcome });
    return outcome;
  }

  private async processOne<T>(
    message: ReceivedMessage,
    handler: InboxHandler<T>,
  ): Promise<InboxOutcome> {
    const parsed = handler.parse(message.value);
    if (!parsed.ok) {
      await this.deadLetterViolation(message, parsed.problems);
      return 'dead-lettered';
    }
    const consumer = handler.consumer ?? this.settings.groupId;
    const eventId = handler.eventId(parsed.event);
    const maxAttempts = this.settings.maxAttempts;

    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (tx) => {
          const inserted: unknown[] = await tx.query(
            `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (consumer, event_id) DO NOTHING
             RETURNING event_id`,
            [consumer, eventId, message.topic, message.partition, message.offset],
          );
          if (inserted.length === 0) return 'duplicate' as const;
          await handler.handle(parsed.event, tx, message);
          return 'processed' as const;
        });
      } catch (error) {
        const where = `${message.topic}[${message.partition}]@${message.offset} (event ${eventId})`;
        if (this.stopping.signal.aborted) throw error;
        if (isDatabaseUnavailable(error)) {
          // Parking good events because our own database is down would be wrong: let Kafka
          // redeliver (the partition waits) until it is back.
          this.logger.error(
            `database unavailable while handling ${where}: ${describeError(error)}`,
          );
          throw error;
        }
        if (!isRetriable(error) && !isTransientDatabaseError(error)) {
          await this.deadLetters.publish(message, {
            code: codeOf(error, 'REJECTED'),
            message: describeError(error),
          });
          return 'dead-lettered';
        }
        if (attempt >= maxAttempts) {
          await this.deadLetters.publish(message, {
            code: 'RETRIES_EXHAUSTED',
            message: `failed ${attempt} times; last error: ${describeError(error)}`,
          });
          return 'dead-lettered';
        }
        const delay = backoff(attempt);
        this.logger.warn(
          `attempt ${attempt}/${maxAttempts} failed for ${where}, retrying in ${delay} ms: ${describeError(error)}`,
        );
        await message.heartbeat();
        await sleep(delay, undefined, { signal: this.stopping.signal });
        await message.heartbeat();
      }
    }
  }
}

function codeOf(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : fallback;
}

/** Exponential backoff with full jitter: 200 ms, 400 ms, … capped at 5 s. */
export function backoff(attempt: number): number {
  const ceiling = Math.min(5000, 200 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
