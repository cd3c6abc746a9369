import { Consumer, IHeaders, Kafka, KafkaMessage, logLevel, Partitioners, Producer } from 'kafkajs';
import { testInfra, testKafkaSecurity, uniqueName } from '../env';
import { eventually } from '../eventually';

/** A record a test produces: a value object is sent as JSON, bytes and strings as they are. */
export interface TestRecord {
  key?: string | Buffer | null;
  value: string | Buffer | object | null;
  headers?: Record<string, string | Buffer>;
}

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's Kafka timestamp (ms since epoch, as the producer set it). */
  timestamp: number;
  /** When this collector received it (ms since epoch). */
  receivedAt: number;
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined)
      out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Reads topics from the beginning into memory, for assertions on what was published. */
export class Collector {
  readonly messages: CollectedMessage[] = [];

  constructor(private readonly consumer: Consumer) {}

  /** Messages whose value parses to JSON, decoded. */
  json<T = Record<string, unknown>>(topic?: string): T[] {
    return this.messages
      .filter((m) => (!topic || m.topic === topic) && m.value !== null)
      .map((m) => JSON.parse((m.value as Buffer).toString('utf8')) as T);
  }

  async waitFor(
    predicate: (messages: CollectedMessage[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<CollectedMessage[]> {
    return eventually(
      () => {
        if (!predicate(this.messages))
          throw new Error(`only ${this.messages.length} message(s) collected so far`);
        return this.messages;
      },
      { timeoutMs },
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** A Kafka client for tests: create topics, produce, collect. */
export class TestKafka {
  readonly kafka: Kafka;
  private producer?: Producer;
  private readonly collectors: Collector[] = [];

  /** `sasl`: whom to connect as (default: the tests' own settings, the super user of a SASL broker). */
  constructor(brokers = testInfra().kafkaBrokers, sasl = testKafkaSecurity().sasl) {
    this.kafka = new Kafka({
      clientId: uniqueName('test'),
      brokers: brokers.split(','),
      sasl,
      logLevel: logLevel.NOTHING,
    });
  }

  /** Creates topics and waits for their leaders (polling: kafkajs's own wait can give up too early). */
  async createTopics(names: string[], partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
      await eventually(async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (!topics.every((t) => t.partitions.every((p) => p.leader >= 0)))
          throw new Error('no leaders yet');
      });
    } finally {
      await admin.disconnect();
    }
  }

  async produce(topic: string, messages: TestRecord[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await this.producer.connect();
    }
    await this.producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value:
          m.value === null || typeof m.value === 'string' || Buffer.isBuffer(m.value)
            ? m.value
            : JSON.stringify(m.value),
        headers: m.headers,
      })),
    });
  }

  /** Starts collecting the given topics from the beginning; resolves once the consumer is running. */
  async collect(topics: string[]): Promise<Collector> {
    const consumer = this.kafka.consumer({
      groupId: uniqueName('collector'),
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const collector = new Collector(consumer);
    await new Promise<void>((resolve, reject) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
      consumer
        .run({
          eachMessage: ({
            topic,
            partition,
            message,
          }: {
            topic: string;
            partition: number;
            message: KafkaMessage;
          }) => {
            collector.messages.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key ? message.key.toString('utf8') : null,
              value: message.value,
              headers: decodeHeaders(message.headers),
              timestamp: Number(message.timestamp),
              receivedAt: Date.now(),
            });
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    this.collectors.push(collector);
    return collector;
  }

  /**
   * Waits until the consumer groups have consumed `topic` to its current end (committed offsets at
   * the high watermark). A new group first replays the topic's history – records of earlier tests
   * and runs on a shared broker – and a test's deadlines must not count that.
   */
  async caughtUp(topic: string, groups: string[], timeoutMs = 600_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // On a fresh broker the service under test may have created the topic a moment ago: its
      // partitions answer "not the leader" until their leaders are elected.
      const ends = await eventually(() => admin.fetchTopicOffsets(topic), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      await eventually(
        async () => {
          for (const groupId of groups) {
            const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
            const behind = ends.filter((end) => {
              if (Number(end.high) === Number(end.low)) return false; // nothing to read
              const at = committed.partitions.find((p) => p.partition === end.partition);
              return Number(at?.offset ?? -1) < Number(end.high);
            });
            if (behind.length)
              throw new Error(`${groupId} is behind on ${behind.length} partition(s) of ${topic}`);
          }
        },
        { timeoutMs, intervalMs: 500 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop().catch(() => undefined)));
    await this.producer?.disconnect();
  }
}
