import { INestApplication, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  KafkaContext,
  KafkaOptions,
  MicroserviceOptions,
  ServerKafka,
} from '@nestjs/microservices';
import { describeError } from '@pos-tripletex/platform';
import { EachMessagePayload, Partitioners } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { mustWait } from '../inbox/failures';
import { fromKafkaRecord } from '../inbox/received-message';
import { ConsumerMonitor } from './consumer-monitor';
import { clientConfig, kafkaSettings } from './kafka-config';

export interface KafkaEventServerParts {
  monitor: ConsumerMonitor;
  deadLetters: DeadLetterPublisher;
}

/**
 * NestJS's Kafka transport for `@EventPattern` handlers, made safe for hostile records:
 * - keys, values and headers reach the handler as the broker's raw bytes (Nest's own parser would
 *   JSON-decode any key or header that starts with `{` or `[`);
 * - a handler failure that is not an outage does not loop: the record is dead-lettered with the
 *   error and the partition moves on (handlers using the Inbox never get that far);
 * - an outage (database or broker away) is thrown back to kafkajs, which offers the record again
 *   later: it waits, it is never dead-lettered;
 * - the consumer is watched for GET /ready and the stalled-record metric.
 * Request/response messaging (a reply topic in the headers) is deliberately not supported: every
 * record is an event.
 */
export class KafkaEventServer extends ServerKafka {
  private readonly eventLogger = new Logger('KafkaConsumer');
  private closing = false;

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly parts: KafkaEventServerParts,
  ) {
    super(options);
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    if (this.consumer)
      this.parts.monitor.watch(this.groupId, [...this.messageHandlers.keys()], this.consumer);
  }

  override async close(): Promise<void> {
    this.closing = true;
    await super.close();
  }

  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    this.parts.monitor.started(this.groupId, topic, partition, message.offset);
    const handler = this.getHandlerByPattern(topic);
    if (!handler) {
      // Subscribed topics all have handlers; a record of another topic cannot arrive.
      this.eventLogger.error(
        `no handler for ${topic}; record ${partition}@${message.offset} skipped`,
      );
      this.parts.monitor.finished(this.groupId, topic, partition);
      return;
    }
    const heartbeat = () => payload.heartbeat();
    const context = new KafkaContext([
      message,
      partition,
      topic,
      this.consumer!,
      heartbeat,
      this.producer!,
    ]);
    try {
      const result: unknown = await handler(message.value, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      if (this.closing || mustWait(error)) throw error;
      // Not an outage, so trying the same bytes again would fail the same way: park the record.
      const received = fromKafkaRecord(topic, partition, message, heartbeat);
      this.eventLogger.error(
        `handler for ${topic}[${partition}]@${message.offset} failed: ${describeError(error)}`,
      );
      await this.parts.deadLetters.publish(received, {
        code: 'HANDLER_FAILED',
        message: describeError(error),
      });
    }
    this.parts.monitor.finished(this.groupId, topic, partition);
  }
}

/**
 * The Kafka transport for a hybrid app's `@EventPattern` handlers (KafkaEventServer: keys, values
 * and headers stay raw bytes, because handlers parse them with the contracts' `parseEvent`; a
 * failure that is not an outage dead-letters the record; the consumer is watched for /ready).
 * Group and client ids are used as configured (no `-server` suffix); offsets commit after the
 * handler resolves.
 */
export function kafkaTransport(config: ConfigService, app: INestApplication): MicroserviceOptions {
  return {
    strategy: new KafkaEventServer(kafkaServerOptions(config), {
      monitor: app.get(ConsumerMonitor),
      deadLetters: app.get(DeadLetterPublisher),
    }),
  };
}

function kafkaServerOptions(config: ConfigService): Required<KafkaOptions>['options'] {
  const settings = kafkaSettings(config);
  return {
    client: clientConfig(settings, 'KafkaConsumer'),
    consumer: {
      groupId: settings.groupId,
      allowAutoTopicCreation: false,
      // A stop waits for the fetch in flight: a short long-poll keeps SIGTERM-to-exit quick.
      maxWaitTimeInMs: 1000,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(settings.sessionTimeoutMs / 3)),
      retry: { initialRetryTime: 300, retries: 10 },
    },
    producer: {
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    },
    subscribe: { fromBeginning: true },
    run: { autoCommit: true, partitionsConsumedConcurrently: 1 },
    parser: { keepBinary: true },
    postfixId: '',
  };
}
