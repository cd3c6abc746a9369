import { Injectable, Logger } from '@nestjs/common';
import { deadLetterTopic, Problem } from '@pos-tripletex/contracts';
import { counter } from '@pos-tripletex/platform';
import { KafkaClient } from '../kafka/kafka-client';
import type { ReceivedMessage } from '../inbox/received-message';

/** Why a record was parked. `problems` lists every contract violation with its field path. */
export interface DeadLetterReason {
  code: string;
  message: string;
  problems?: Problem[];
}

/** Header names on dead-letter records. The value and key are the original bytes, untouched. */
export const DeadLetterHeaders = {
  OriginalTopic: 'dlq-original-topic',
  OriginalPartition: 'dlq-original-partition',
  OriginalOffset: 'dlq-original-offset',
  OriginalTimestamp: 'dlq-original-timestamp',
  ConsumerGroup: 'dlq-consumer-group',
  ErrorCode: 'dlq-error-code',
  ErrorMessage: 'dlq-error-message',
  Problems: 'dlq-problems',
  FailedAt: 'dlq-failed-at',
} as const;

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

  async publish(message: ReceivedMessage, reason: DeadLetterReason): Promise<void> {
    const problems = JSON.stringify(reason.problems ?? []);
    await this.kafka.send([
      {
        topic: deadLetterTopic(message.topic),
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              [DeadLetterHeaders.OriginalTopic]: message.topic,
              [DeadLetterHeaders.OriginalPartition]: String(message.partition),
              [DeadLetterHeaders.OriginalOffset]: message.offset,
              [DeadLetterHeaders.OriginalTimestamp]: message.timestamp,
              [DeadLetterHeaders.ConsumerGroup]: this.kafka.settings.groupId,
              [DeadLetterHeaders.ErrorCode]: reason.code,
              [DeadLetterHeaders.ErrorMessage]: reason.message.slice(0, 1000),
              [DeadLetterHeaders.Problems]:
                problems.length <= MAX_HEADER_CHARS
                  ? problems
                  : `${problems.slice(0, MAX_HEADER_CHARS)}…`,
              [DeadLetterHeaders.FailedAt]: new Date().toISOString(),
            },
          },
        ],
      },
    ]);
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
