import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { deadLetterTopic, topicSpec } from '@pos-tripletex/contracts';
import { ReadinessRegistry } from '@pos-tripletex/platform';
import { Admin, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { createKafka, KafkaSettings } from './kafka-config';
import { ensureTopics } from './topics';

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
export const MESSAGING_TOPICS = Symbol('MESSAGING_TOPICS');

/** Topics a service uses: it consumes some (their dead-letter topics come along) and produces some. */
export interface TopicUsage {
  consumes: string[];
  produces: string[];
}

/**
 * The service's own Kafka connections: an admin (topic provisioning, readiness) and one
 * ordered producer shared by the outbox relay and dead-lettering. Topics are created at
 * start-up, before the consumer subscribes, so a fresh broker needs no manual setup.
 */
@Injectable()
export class KafkaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaClient.name);
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;

  constructor(
    @Inject(MESSAGING_SETTINGS) readonly settings: KafkaSettings,
    @Inject(MESSAGING_TOPICS) private readonly topics: TopicUsage,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.kafka = createKafka(settings, 'KafkaClient');
    this.admin = this.kafka.admin();
    // One request in flight keeps per-partition order. Not kafkajs's idempotent mode: it demands
    // unbounded retries (a send would hang while the broker is down); consumers drop the rare
    // duplicate of a retried send by eventId anyway.
    this.producer = this.kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    await this.ensureTopics([
      ...this.topics.produces,
      ...this.topics.consumes,
      ...this.topics.consumes.map(deadLetterTopic),
    ]);
    await this.producer.connect();
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        const cluster = await this.admin.describeCluster();
        return { brokers: cluster.brokers.length, clusterId: cluster.clusterId };
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Creates the missing topics (compacted where the contract says so); existing ones are left alone. */
  async ensureTopics(names: string[]): Promise<void> {
    const created = await ensureTopics(
      this.admin,
      [...new Set(names)].map((name) => ({
        topic: name,
        numPartitions: this.settings.partitions,
        replicationFactor: this.settings.replicationFactor,
        configEntries:
          topicSpec(name).cleanupPolicy === 'compact'
            ? [{ name: 'cleanup.policy', value: 'compact' }]
            : [],
      })),
    );
    if (created.length > 0) this.logger.log(`created topics: ${created.join(', ')}`);
  }

  /** Sends and waits for every in-sync replica to have the records. */
  async send(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}
