import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import {
  EventsByTopic,
  ParseableTopic,
  ParseResult,
  parseEvent,
  Problem,
} from '@pos-tripletex/contracts';
import { backoffDelay, counter, describeError, isRetriable } from '@pos-tripletex/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import {
  CompanionRecord,
  DeadLetterPublisher,
  DeadLetterReason,
} from '../dead-letter/dead-letter.publisher';
import {
  ConsumerStoppingError,
  DependencyUnavailableError,
  isDatabaseUnavailable,
  isPermanentDatabaseError,
  isTransientDatabaseError,
} from './failures';
import { KafkaSettings } from '../kafka/kafka-config';
import { MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { fromKafkaContext, ReceivedMessage } from './received-message';

export type InboxOutcome = 'processed' | 'duplicate' | 'dead-lettered' | 'ignored';

const consumed = counter({
  name: 'pos_events_consumed_total',
  help: 'Records consumed, by topic and outcome (processed, duplicate, dead-lettered, ignored)',
  labelNames: ['topic', 'outcome'] as const,
});

/** A parsed event with the record it came in. */
export interface Received<T> {
  event: T;
  message: ReceivedMessage;
}

/** What the handler of a topic may add to the Inbox's handling of its records. */
interface HandlerHooks {
  /** Name the processed-events rows are kept under; defaults to the service's consumer group. */
  consumer?: string;
  /**
   * Records to publish together with the dead-letter record of a rejected record (a rejection
   * event the producer listens to). Called for every record this consumer dead-letters.
   */
  rejection?: (message: ReceivedMessage, reason: DeadLetterReason) => CompanionRecord[];
}

interface BatchHandlerBase<T> extends HandlerHooks {
  parse(value: Buffer | null): ParseResult<T>;
  eventId(event: T): string;
}

/** The Inbox keeps a processed-event row per event and hands over only the new ones. */
export interface BatchInboxHandler<T> extends BatchHandlerBase<T> {
  dedupe?: 'processed-events';
  /**
   * The effect of several new events at once (redeliveries already removed). Everything it writes
   * through `tx` commits together with their processed-event rows.
   */
  handleBatch(events: Received<T>[], tx: EntityManager): Promise<void>;
}

/**
 * The handler's own table is the record of what was applied (a unique key on the event id, e.g.
 * `INSERT … ON CONFLICT (event_id) DO NOTHING RETURNING event_id`): no processed-event rows are
 * written, which on a hot topic saves a row and two index entries per record. The table must keep
 * its rows at least as long as the topic keeps records.
 */
export interface SelfDedupingBatchHandler<T> extends BatchHandlerBase<T> {
  dedupe: 'handler';
  /**
   * Applies the events that are new and returns their ids; an event already applied is left
   * alone and its id left out (it counts as a duplicate).
   */
  handleBatch(events: Received<T>[], tx: EntityManager): Promise<ReadonlySet<string>>;
}

export interface BatchOutcome {
  processed: number;
  duplicates: number;
  deadLettered: number;
}

export interface InboxHandler<T> extends HandlerHooks {
  parse(value: Buffer | null): ParseResult<T>;
  eventId(event: T): string;
  /** The effect. Everything it writes through `tx` commits together with the processed-event row. */
  handle(event: T, tx: EntityManager, message: ReceivedMessage): Promise<void>;
  /**
   * A record without a value on a compacted topic (a tombstone: "forget this key"). Without this
   * hook a tombstone is dead-lettered like any empty record. Must be idempotent: no processed-event
   * row is kept for it.
   */
  tombstone?: (message: ReceivedMessage, tx: EntityManager) => Promise<void>;
  /**
   * An event already processed came again (a redelivery, or a record replayed from the dead-letter
   * topic). Without this hook it is dropped; with it, the hook decides in the same transaction
   * (e.g. take up again what failed the first time). Must be idempotent.
   */
  duplicate?: (event: T, tx: EntityManager, message: ReceivedMessage) => Promise<void>;
  /**
   * Valid events this consumer has nothing to do with (invoicing and a checkout not paid by
   * invoice): acknowledged once parsed, without a transaction or a processed-event row (there is no
   * effect to keep from happening twice). A pure function of the event.
   */
  ignore?: (event: T) => boolean;
}

export interface ConsumeOptions<T = unknown> extends HandlerHooks {
  tombstone?: InboxHandler<unknown>['tombstone'];
  duplicate?: InboxHandler<T>['duplicate'];
  ignore?: InboxHandler<T>['ignore'];
}

/**
 * Idempotent consumption. Every record ends in exactly one of: applied, duplicate, dead-lettered
 * with its reason – or it waits, uncommitted, while a dependency is down:
 * - parsing never throws (`parseEvent`), and a record that cannot be parsed or read is
 *   dead-lettered at once (CONTRACT_VIOLATION), with a rejection event if the handler wants one;
 * - the effect and the processed-event row commit in one transaction, so a redelivery finds the
 *   row and does nothing;
 * - values PostgreSQL refuses (NUL characters, numbers out of range, …) are dead-lettered at once
 *   (DATABASE_REFUSED); final errors too (their code); other failures are retried with backoff,
 *   keeping the group membership alive, and dead-lettered after KAFKA_HANDLER_MAX_ATTEMPTS;
 * - PostgreSQL or the broker being away is never the record's fault: it throws
 *   DependencyUnavailableError and Kafka offers the record again later; during shutdown it throws
 *   ConsumerStoppingError. Those two are the only errors that leave it.
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
    options: ConsumeOptions<EventsByTopic[K]> = {},
  ): Promise<InboxOutcome> {
    return this.process<EventsByTopic[K]>(fromKafkaContext(ctx), {
      ...options,
      parse: (value) => parseEvent(topic, value),
      eventId: (event) => (event as { eventId: string }).eventId,
      handle,
    });
  }

  /**
   * Several records in one transaction: parse all (violations are dead-lettered), drop
   * redeliveries with one bulk insert into processed_events (or let a self-deduping handler
   * drop them), apply the rest with one call of `handleBatch`. If the batch fails for a reason other than an outage, every record is retried
   * on its own (`process`), so one bad record is dead-lettered and never holds up the good ones.
   */
  async processBatch<T>(
    messages: ReceivedMessage[],
    handler: BatchInboxHandler<T> | SelfDedupingBatchHandler<T>,
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
    handler: BatchInboxHandler<T> | SelfDedupingBatchHandler<T>,
    outcome: BatchOutcome,
  ): Promise<BatchOutcome> {
    const good: (Received<T> & { id: string })[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      const parsed = readEvent(handler, message);
      if (!parsed.ok) {
        await this.deadLetterViolation(message, parsed.problems, handler);
        outcome.deadLettered++;
        continue;
      }
      if (seen.has(parsed.id)) {
        outcome.duplicates++;
        continue;
      }
      seen.add(parsed.id);
      good.push({ event: parsed.event, message, id: parsed.id });
    }
    if (good.length === 0) return outcome;
    const consumer = handler.consumer ?? this.settings.groupId;
    try {
      const fresh = await this.dataSource.transaction(async (tx) => {
        if (handler.dedupe === 'handler') return (await handler.handleBatch(good, tx)).size;
        const inserted: { event_id: string }[] = await tx.query(
          `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
           SELECT $1, e.event_id, e.topic, e.partition, e.offset
           FROM unnest($2::varchar[], $3::varchar[], $4::int[], $5::bigint[]) AS e(event_id, topic, partition, "offset")
           ON CONFLICT (consumer, event_id) DO NOTHING
           RETURNING event_id`,
          [
            consumer,
            good.map((g) => g.id),
            good.map((g) => g.message.topic),
            good.map((g) => g.message.partition),
            good.map((g) => g.message.offset),
          ],
        );
        const ids = new Set(inserted.map((r) => r.event_id));
        const events = good.filter((g) => ids.has(g.id));
        if (events.length > 0) await handler.handleBatch(events, tx);
        return events.length;
      });
      outcome.processed += fresh;
      outcome.duplicates += good.length - fresh;
      return outcome;
    } catch (error) {
      this.throwIfMustWait(error);
      this.logger.warn(
        `a batch of ${good.length} failed (${describeError(error)}); applying its records one by one`,
      );
    }
    for (const { event, message, id } of good) {
      const one =
        handler.dedupe === 'handler'
          ? await this.withRetries(message, `event ${id}`, handler, async (tx) =>
              (await handler.handleBatch([{ event, message }], tx)).has(id)
                ? 'processed'
                : 'duplicate',
            )
          : await this.processOne(message, {
              consumer,
              rejection: handler.rejection,
              parse: () => ({ ok: true, event }),
              eventId: () => id,
              handle: (e, tx, m) => handler.handleBatch([{ event: e, message: m }], tx),
            });
      if (one === 'processed') outcome.processed++;
      else if (one === 'duplicate') outcome.duplicates++;
      else outcome.deadLettered++;
    }
    return outcome;
  }

  private async deadLetterViolation(
    message: ReceivedMessage,
    problems: Problem[],
    hooks: HandlerHooks,
  ): Promise<void> {
    await this.deadLetter(message, hooks, {
      code: 'CONTRACT_VIOLATION',
      message: `${problems.length} problem(s): ${problems
        .slice(0, 5)
        .map((p) => `${p.path || '(record)'}: ${p.message}`)
        .join('; ')}`,
      problems,
    });
  }

  private async deadLetter(
    message: ReceivedMessage,
    hooks: HandlerHooks,
    reason: DeadLetterReason,
  ): Promise<void> {
    let companions: CompanionRecord[] = [];
    try {
      companions = hooks.rejection?.(message, reason) ?? [];
    } catch (error) {
      // The rejection event is a courtesy to the producer; the dead-letter record is the duty.
      this.logger.error(`could not build the rejection event: ${describeError(error)}`);
    }
    await this.deadLetters.publish(message, reason, companions);
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
    // Only a null value is a tombstone (as for compaction); an empty one is an empty record.
    if (handler.tombstone && message.value === null) {
      const tombstone = handler.tombstone;
      return this.withRetries(message, 'tombstone', handler, async (tx) => {
        await tombstone(message, tx);
        return 'processed' as const;
      });
    }
    const parsed = readEvent(handler, message);
    if (!parsed.ok) {
      await this.deadLetterViolation(message, parsed.problems, handler);
      return 'dead-lettered';
    }
    if (handler.ignore?.(parsed.event)) return 'ignored';
    const consumer = handler.consumer ?? this.settings.groupId;
    return this.withRetries(message, `event ${parsed.id}`, handler, async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset")
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (consumer, event_id) DO NOTHING
         RETURNING event_id`,
        [consumer, parsed.id, message.topic, message.partition, message.offset],
      );
      if (inserted.length === 0) {
        await handler.duplicate?.(parsed.event, tx, message);
        return 'duplicate' as const;
      }
      await handler.handle(parsed.event, tx, message);
      return 'processed' as const;
    });
  }

  /** One transaction per attempt; classifies each failure (see the class comment). */
  private async withRetries(
    message: ReceivedMessage,
    what: string,
    hooks: HandlerHooks,
    work: (tx: EntityManager) => Promise<'processed' | 'duplicate'>,
  ): Promise<InboxOutcome> {
    const maxAttempts = this.settings.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const where = `${message.topic}[${message.partition}]@${message.offset} (${what})`;
        if (isDatabaseUnavailable(error)) {
          // Parking good events because our own database is down would be wrong: let Kafka
          // redeliver (the partition waits) until it is back.
          this.logger.error(
            `database unavailable while handling ${where}: ${describeError(error)}`,
          );
        }
        this.throwIfMustWait(error);
        if (isPermanentDatabaseError(error)) {
          await this.deadLetter(message, hooks, {
            code: 'DATABASE_REFUSED',
            message: `PostgreSQL refuses to store the record: ${describeError(error)}`,
          });
          return 'dead-lettered';
        }
        if (!isRetriable(error) && !isTransientDatabaseError(error)) {
          await this.deadLetter(message, hooks, {
            code: codeOf(error, 'REJECTED'),
            message: describeError(error),
          });
          return 'dead-lettered';
        }
        if (attempt >= maxAttempts) {
          await this.deadLetter(message, hooks, {
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
        try {
          await sleep(delay, undefined, { signal: this.stopping.signal });
        } catch (aborted) {
          throw new ConsumerStoppingError(aborted);
        }
        await message.heartbeat();
      }
    }
  }

  /** Outages and shutdown leave the record uncommitted; everything else is the record's fate. */
  private throwIfMustWait(error: unknown): void {
    if (this.stopping.signal.aborted) throw new ConsumerStoppingError(error);
    if (error instanceof DependencyUnavailableError || error instanceof ConsumerStoppingError)
      throw error;
    if (isDatabaseUnavailable(error)) throw new DependencyUnavailableError('database', error);
  }
}

/**
 * Parses a record and reads its event id, whatever the handler's parser does: a parser that
 * throws (it should not) or an event without a usable id is a problem of the record, not a crash.
 */
function readEvent<T>(
  handler: { parse(value: Buffer | null): ParseResult<T>; eventId(event: T): string },
  message: ReceivedMessage,
): { ok: true; event: T; id: string } | { ok: false; problems: Problem[] } {
  try {
    const parsed = handler.parse(message.value);
    if (!parsed.ok) return parsed;
    const id = handler.eventId(parsed.event);
    if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
      return {
        ok: false,
        problems: [
          { path: 'eventId', code: 'INVALID_EVENT_ID', message: 'the event has no usable eventId' },
        ],
      };
    }
    return { ok: true, event: parsed.event, id };
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          code: 'UNPROCESSABLE',
          message: `the record could not be read: ${describeError(error)}`,
        },
      ],
    };
  }
}

function codeOf(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : fallback;
}

/** The house backoff (libs/platform) for redeliveries: 200 ms, 400 ms, … capped at 5 s. */
export function backoff(attempt: number): number {
  return backoffDelay({ firstMs: 200, maxMs: 5000 }, attempt);
}
