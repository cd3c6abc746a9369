import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { describeError } from '@pos-tripletex/platform';
import { Consumer, EachBatchPayload } from 'kafkajs';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { mustWait } from '../inbox/failures';
import { fromKafkaRecord, ReceivedMessage } from '../inbox/received-message';
import { ConsumerMonitor } from './consumer-monitor';
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
   * Partitions handled at once (kafkajs `partitionsConsumedConcurrently`): while one chunk is in
   * the database, the next one is parsed. Records of one partition stay in order.
   */
  concurrency?: number;
  /**
   * Applies the records. Returning means they are done (offsets may be committed). Throwing an
   * outage (`mustWait`) leaves them uncommitted, and Kafka delivers them again after the consumer
   * restarts; any other failure makes each record of the chunk be handled on its own, and a record
   * that still fails is dead-lettered (HANDLER_FAILED) so the partition moves on.
   */
  handle(messages: ReceivedMessage[]): Promise<void>;
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
    private readonly monitor: ConsumerMonitor,
    private readonly kafkaClient: KafkaClient,
    private readonly deadLetters: DeadLetterPublisher,
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
    this.monitor.watch(options.groupId, [options.topic], consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    const chunkSize = options.chunkSize ?? 500;
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrency ?? 1,
      eachBatch: async (batchPayload: EachBatchPayload) => {
        const { batch } = batchPayload;
        const heartbeat = () => batchPayload.heartbeat();
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!batchPayload.isRunning() || batchPayload.isStale()) return;
          const chunk = batch.messages.slice(i, i + chunkSize);
          this.monitor.started(options.groupId, batch.topic, batch.partition, chunk[0].offset);
          await this.handleChunk(
            options,
            chunk.map((m) => fromKafkaRecord(batch.topic, batch.partition, m, heartbeat)),
          );
          this.monitor.finished(options.groupId, batch.topic, batch.partition);
          batchPayload.resolveOffset(chunk[chunk.length - 1].offset);
          await batchPayload.commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    this.consumers.push(consumer);
    this.kafkaClient.trackLag(options.groupId);
    return consumer;
  }

  private async handleChunk(
    options: BatchConsumerOptions,
    messages: ReceivedMessage[],
  ): Promise<void> {
    try {
      await options.handle(messages);
      return;
    } catch (error) {
      if (mustWait(error)) throw error;
      this.logger.error(
        `${options.groupId}: a chunk of ${messages.length} failed (${describeError(error)}); handling its records one by one`,
      );
    }
    for (const message of messages) {
      try {
        await options.handle([message]);
      } catch (error) {
        if (mustWait(error)) throw error;
        await this.deadLetters.publish(message, {
          code: 'HANDLER_FAILED',
          message: describeError(error),
        });
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Stops fetching and waits for the chunk in progress; what is not committed comes again.
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
  }
}
