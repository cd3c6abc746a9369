import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { deadLetterTopic, topicSpec, TopicUsage } from '@pos-tripletex/contracts';
import { gauge, ReadinessRegistry } from '@pos-tripletex/platform';
import { Admin, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { createKafka, KafkaSettings } from './kafka-config';
import { ensureTopics } from './topics';

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
export const MESSAGING_TOPICS = Symbol('MESSAGING_TOPICS');

interface LagRow {
  group: string;
  topic: string;
  partition: string;
  lag: number;
}

const lagSources = new Set<() => Promise<LagRow[]>>();

gauge({
  name: 'pos_kafka_consumer_lag',
  help: 'Records on the topic not yet committed by the consumer group, by group, topic and partition',
  labelNames: ['group', 'topic', 'partition'] as const,
  async collect() {
    this.reset();
    for (const source of lagSources) {
      for (const row of await source().catch(() => [])) {
        this.set({ group: row.group, topic: row.topic, partition: row.partition }, row.lag);
      }
    }
  },
});

/** Topics a service uses (libs/contracts SERVICE_TOPICS): consumed ones bring their dead-letter topics. */
export type { TopicUsage } from '@pos-tripletex/contracts';

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
  private readonly lagGroups = new Set<string>();
  private lagCache?: { at: number; rows: Promise<LagRow[]> };
  private readonly lagSource = () => this.consumerLag();

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
    this.trackLag(this.settings.groupId);
    lagSources.add(this.lagSource);
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        const cluster = await this.admin.describeCluster();
        return { brokers: cluster.brokers.length, clusterId: cluster.clusterId };
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    lagSources.delete(this.lagSource);
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

  /** Reports this consumer group's lag on GET /metrics (`pos_kafka_consumer_lag`). */
  trackLag(groupId: string): void {
    this.lagGroups.add(groupId);
  }

  /** Lag of the tracked groups on every topic they have committed offsets for (cached 5 s). */
  consumerLag(): Promise<LagRow[]> {
    if (this.lagCache && Date.now() - this.lagCache.at < 5000) return this.lagCache.rows;
    const rows = (async () => {
      const out: LagRow[] = [];
      const ends = new Map<string, Map<number, number>>();
      for (const group of this.lagGroups) {
        for (const t of await this.admin.fetchOffsets({ groupId: group })) {
          if (!ends.has(t.topic)) {
            const offsets = await this.admin.fetchTopicOffsets(t.topic);
            ends.set(t.topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
          }
          for (const p of t.partitions) {
            const committed = Number(p.offset);
            if (committed < 0) continue;
            const high = ends.get(t.topic)?.get(p.partition) ?? committed;
            out.push({
              group,
              topic: t.topic,
              partition: String(p.partition),
              lag: high - committed,
            });
          }
        }
      }
      return out;
    })();
    this.lagCache = { at: Date.now(), rows };
    return rows;
  }

  /** Sends and waits for every in-sync replica to have the records. */
  async send(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}
