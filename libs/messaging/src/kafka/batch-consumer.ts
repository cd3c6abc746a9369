import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ReadinessRegistry } from '@pos-tripletex/platform';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { headersToStrings, ReceivedMessage } from '../inbox/received-message';
import { createKafka, KafkaSettings } from './kafka-config';
import { KafkaClient, MESSAGING_SETTINGS } from './kafka-client';

export interface BatchConsumerOptions {
  /** Consumer group; its own, not the group of the service's Nest transport. */
  groupId: string;
  topic: string;
  /** Records handed to `handle` at once (one database transaction). */
  chunkSize?: number;
  /** Most bytes fetched per partition per request. */
  maxBytesPerPartition?: number;
  /**
   * Applies the records. Returning means they are done (offsets may be committed); throwing leaves
   * them uncommitted, and Kafka delivers them again after the consumer restarts.
   */
  handle(messages: ReceivedMessage[]): Promise<void>;
}

function toReceived(
  topic: string,
  partition: number,
  m: KafkaMessage,
  heartbeat: () => Promise<void>,
): ReceivedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: headersToStrings(m.headers),
    timestamp: m.timestamp,
    heartbeat,
  };
}

/**
 * kafkajs consumers that take records a batch at a time (`eachBatch`), for topics where one
 * transaction per record is too slow (NestJS's Kafka transport hands over one record at a time).
 * Offsets are resolved after each chunk is handled and committed at least every second; a failure
 * stops the consumer's run, kafkajs restarts it, and the uncommitted records come again.
 */
@Injectable()
export class BatchConsumers implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BatchConsumers.name);
  private readonly consumers: Consumer[] = [];

  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
    private readonly readiness: ReadinessRegistry,
    private readonly kafkaClient: KafkaClient,
  ) {}

  async start(options: BatchConsumerOptions): Promise<Consumer> {
    const kafka = createKafka(this.settings, `BatchConsumer:${options.groupId}`);
    const consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 1000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(this.settings.sessionTimeoutMs / 3)),
      retry: { initialRetryTime: 300, retries: 10 },
    });
    let crashed: string | undefined;
    consumer.on(consumer.events.CRASH, (e) => {
      crashed = String((e.payload as { error?: unknown }).error);
      this.logger.error(`consumer ${options.groupId} crashed: ${crashed}`);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => (crashed = undefined));
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    const chunkSize = options.chunkSize ?? 500;
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (batchPayload: EachBatchPayload) => {
        const { batch } = batchPayload;
        const heartbeat = () => batchPayload.heartbeat();
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!batchPayload.isRunning() || batchPayload.isStale()) return;
          const chunk = batch.messages.slice(i, i + chunkSize);
          await options.handle(
            chunk.map((m) => toReceived(batch.topic, batch.partition, m, heartbeat)),
          );
          batchPayload.resolveOffset(chunk[chunk.length - 1].offset);
          await batchPayload.commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    this.consumers.push(consumer);
    this.kafkaClient.trackLag(options.groupId);
    this.readiness.register({
      name: `kafka-consumer:${options.groupId}`,
      check: () => {
        if (crashed) throw new Error(`consumer ${options.groupId} crashed: ${crashed}`);
        return Promise.resolve({ topic: options.topic });
      },
    });
    return consumer;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Stops fetching and waits for the chunk in progress; what is not committed comes again.
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
  }
}
