import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { EventsByTopic, ParseableTopic, ParseResult, parseEvent } from '@pos-tripletex/contracts';
import { describeError, isRetriable } from '@pos-tripletex/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { KafkaSettings } from '../kafka/kafka-config';
import { MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { fromKafkaContext, ReceivedMessage } from './received-message';

export type InboxOutcome = 'processed' | 'duplicate' | 'dead-lettered';

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

  async process<T>(message: ReceivedMessage, handler: InboxHandler<T>): Promise<InboxOutcome> {
    const parsed = handler.parse(message.value);
    if (!parsed.ok) {
      await this.deadLetters.publish(message, {
        code: 'CONTRACT_VIOLATION',
        message: `${parsed.problems.length} problem(s): ${parsed.problems
          .slice(0, 5)
          .map((p) => `${p.path || '(record)'}: ${p.message}`)
          .join('; ')}`,
        problems: parsed.problems,
      });
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
        if (!isRetriable(error)) {
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
