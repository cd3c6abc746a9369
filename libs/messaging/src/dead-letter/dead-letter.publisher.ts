import { Injectable, Logger } from '@nestjs/common';
import { DeadLetterHeaders, deadLetterTopic, Problem } from '@pos-tripletex/contracts';
import { counter } from '@pos-tripletex/platform';
import { createHash } from 'node:crypto';
import type { Message } from 'kafkajs';
import { KafkaClient } from '../kafka/kafka-client';
import { DependencyUnavailableError, isRecordRefusedByBroker } from '../inbox/failures';
import type { ReceivedMessage } from '../inbox/received-message';

/** Why a record was parked. `problems` lists every contract violation with its field path. */
export interface DeadLetterReason {
  code: string;
  message: string;
  problems?: Problem[];
}

// The dlq-* header names (and what each carries) are wire format POS teams read too: they live in
// libs/contracts (headers.ts), where the AsyncAPI document is generated from.
export { DeadLetterHeaders };

/** Another record to publish together with the dead-letter record (e.g. a rejection event). */
export interface CompanionRecord {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

const MAX_HEADER_CHARS = 64 * 1024;

const deadLettered = counter({
  name: 'pos_dead_letters_total',
  help: 'Records parked on a dead-letter topic, by original topic and error code',
  labelNames: ['topic', 'code'] as const,
});

/**
 * Parks a record on `<topic>.dlq`: the original key and value bytes unchanged (so it can be
 * replayed as is), the original headers, and dlq-* headers saying which consumer group rejected
 * it, when, and why (every problem as JSON).
 */
@Injectable()
export class DeadLetterPublisher {
  private readonly logger = new Logger(DeadLetterPublisher.name);

  constructor(private readonly kafka: KafkaClient) {}

  /**
   * Publishes the dead-letter record (and its companions) and waits for the broker. Throws
   * DependencyUnavailableError while the broker is away, so the caller leaves the record
   * uncommitted. If the broker refuses the copy itself (too large with our headers), a copy
   * without the original headers and then one without the value (its size and SHA-256 instead)
   * is parked: the reason always reaches the dead-letter topic.
   */
  async publish(
    message: ReceivedMessage,
    reason: DeadLetterReason,
    companions: CompanionRecord[] = [],
  ): Promise<void> {
    const problems = JSON.stringify(reason.problems ?? []);
    const ours = {
      [DeadLetterHeaders.OriginalTopic]: message.topic,
      [DeadLetterHeaders.OriginalPartition]: String(message.partition),
      [DeadLetterHeaders.OriginalOffset]: message.offset,
      [DeadLetterHeaders.OriginalTimestamp]: message.timestamp,
      [DeadLetterHeaders.ConsumerGroup]: this.kafka.settings.groupId,
      [DeadLetterHeaders.ErrorCode]: reason.code,
      [DeadLetterHeaders.ErrorMessage]: reason.message.slice(0, 1000),
      [DeadLetterHeaders.Problems]:
        problems.length <= MAX_HEADER_CHARS ? problems : `${problems.slice(0, MAX_HEADER_CHARS)}…`,
      [DeadLetterHeaders.FailedAt]: new Date().toISOString(),
    };
    const full: Message = {
      key: message.key,
      value: message.value,
      headers: { ...message.headers, ...ours },
    };
    const lean: Message = {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        ...ours,
        [DeadLetterHeaders.Problems]: problems.slice(0, 4096),
      },
    };
    const bare: Message = {
      key: message.key?.subarray(0, 1024) ?? null,
      value: null,
      headers: {
        ...Object.fromEntries(
          Object.entries(message.headers)
            .slice(0, 50)
            .map(([name, value]) => [name.slice(0, 200), value.slice(0, 1024)]),
        ),
        ...ours,
        [DeadLetterHeaders.Problems]: problems.slice(0, 4096),
        [DeadLetterHeaders.ValueOmitted]: `${message.value?.length ?? 0} bytes`,
        [DeadLetterHeaders.ValueSha256]: createHash('sha256')
          .update(message.value ?? Buffer.alloc(0))
          .digest('hex'),
      },
    };
    for (const [i, copy] of [full, lean, bare].entries()) {
      try {
        await this.kafka.send([
          { topic: deadLetterTopic(message.topic), messages: [copy] },
          ...companions.map((c) => ({
            topic: c.topic,
            messages: [{ key: c.key, value: c.value, headers: c.headers ?? {} }],
          })),
        ]);
        break;
      } catch (error) {
        if (!isRecordRefusedByBroker(error)) throw new DependencyUnavailableError('kafka', error);
        if (i === 2) throw error;
        this.logger.warn(
          `the broker refused the dead-letter copy of ${message.topic}[${message.partition}]@${message.offset}; parking a smaller one`,
        );
      }
    }
    deadLettered.inc({ topic: message.topic, code: reason.code });
    this.logger.warn(
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        code: reason.code,
        problems: reason.problems?.slice(0, 20),
      },
      `dead-lettered ${message.topic}[${message.partition}]@${message.offset}: ${reason.message}`,
    );
  }
}
