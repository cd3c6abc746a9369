import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { deadLetterTopic } from '@pos-tripletex/contracts';
import {
  KafkaServiceEnv,
  loadEnv,
  RunningService,
  runMigrations,
  typeOrmOptions,
} from '@pos-tripletex/platform';
import { eventually, TestKafka, TestSchema, testInfra, uniqueName } from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import {
  DeadLetterHeaders,
  MessagingHousekeeping,
  messagingEntities,
  Outbox,
  OutboxRelay,
} from '../src';

// The messaging guarantees, proven against the real broker and the real database.

const schema = { current: undefined as TestSchema | undefined };
const topic = uniqueName('probe.events');
const groupId = uniqueName('probe-group');
let kafka: TestKafka;
let probe: RunningService | undefined;
let dataSource: DataSource;

function probeEnv(schemaName: string): Record<string, string> {
  const { kafkaBrokers, databaseUrl } = testInfra();
  return {
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schemaName,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_GROUP_ID: groupId,
    KAFKA_CLIENT_ID: 'probe',
    KAFKA_TOPIC_PARTITIONS: '1',
    KAFKA_HANDLER_MAX_ATTEMPTS: '4',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_STALL_AFTER_MS: '1500',
    OUTBOX_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'error',
    PROBE_TOPIC: topic,
  };
}

async function startProbe(): Promise<RunningService> {
  const { startProbe: start } = await import('./support/probe-app');
  return start();
}

const rows = <T>(sql: string, params: unknown[] = []) => schema.current!.query<T>(sql, params);
const deliveries = async (eventId: string) =>
  (await rows('SELECT 1 FROM deliveries WHERE event_id = $1', [eventId])).length;
const effects = (eventId: string) =>
  rows<{ amount: number }>('SELECT amount FROM effects WHERE event_id = $1', [eventId]);

beforeAll(async () => {
  schema.current = await TestSchema.create('messaging');
  Object.assign(process.env, probeEnv(schema.current.name));
  kafka = new TestKafka();
  const { probeMigrations } = await import('./support/probe-app');
  dataSource = new DataSource(
    typeOrmOptions(loadEnv(KafkaServiceEnv, 'probe'), {
      service: 'probe-test',
      entities: messagingEntities,
      migrations: probeMigrations,
    }),
  );
  await runMigrations(dataSource);
  probe = await startProbe();
});

afterAll(async () => {
  await probe?.close();
  await kafka?.close();
  await dataSource?.destroy();
  await schema.current?.drop();
});

describe('Inbox (idempotent consumption)', () => {
  it('applies an event delivered twice exactly once', async () => {
    const eventId = randomUUID();
    const after = randomUUID();
    await kafka.produce(topic, [
      { key: 'c1', value: { eventId, amount: 100 } },
      { key: 'c1', value: { eventId, amount: 100 } },
      { key: 'c1', value: { eventId: after, amount: 1 } },
    ]);
    // The event after both copies is applied, so both copies have been consumed.
    await eventually(async () => expect(await effects(after)).toHaveLength(1));
    expect(await deliveries(eventId)).toBe(2);
    expect(await effects(eventId)).toEqual([{ amount: 100 }]);
    expect(
      await rows('SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2', [
        groupId,
        eventId,
      ]),
    ).toHaveLength(1);
  });

  it('dead-letters a poison message with the reason and still processes the next good one', async () => {
    const dlq = await kafka.collect([deadLetterTopic(topic)]);
    const good = randomUUID();
    await kafka.produce(topic, [
      { key: 'c2', value: '{"eventId": "truncated', headers: { 'correlation-id': 'corr-1' } },
      { key: 'c2', value: { eventId: good, amount: 7 } },
    ]);
    await eventually(async () => expect(await effects(good)).toEqual([{ amount: 7 }]));
    const [parked] = await dlq.waitFor((m) =>
      m.some((x) => x.headers['correlation-id'] === 'corr-1'),
    );
    const record = dlq.messages.find((x) => x.headers['correlation-id'] === 'corr-1')!;
    expect(record.value?.toString()).toBe('{"eventId": "truncated'); // original bytes, untouched
    expect(record.key).toBe('c2');
    expect(record.headers).toMatchObject({
      [DeadLetterHeaders.OriginalTopic]: topic,
      [DeadLetterHeaders.ConsumerGroup]: groupId,
      [DeadLetterHeaders.ErrorCode]: 'CONTRACT_VIOLATION',
    });
    expect(JSON.parse(record.headers[DeadLetterHeaders.Problems])).toEqual([
      expect.objectContaining({ code: 'INVALID_JSON' }),
    ]);
    expect(Date.parse(record.headers[DeadLetterHeaders.FailedAt])).not.toBeNaN();
    expect(parked).toBeDefined();
  });

  it('retries a transient failure and applies the event once it succeeds', async () => {
    const eventId = randomUUID();
    await kafka.produce(topic, [{ key: 'c3', value: { eventId, amount: 5, behaviour: 'flaky' } }]);
    await eventually(async () => expect(await effects(eventId)).toEqual([{ amount: 5 }]));
    // Failed attempts rolled back together with their processed-event row.
    expect(await rows('SELECT 1 FROM attempts WHERE event_id = $1', [eventId])).toHaveLength(1);
  });

  it('dead-letters a final error at once, with its code, and applies nothing', async () => {
    const dlq = await kafka.collect([deadLetterTopic(topic)]);
    const eventId = randomUUID();
    const next = randomUUID();
    await kafka.produce(topic, [
      { key: 'c4', value: { eventId, amount: 9, behaviour: 'final-error' } },
      { key: 'c4', value: { eventId: next, amount: 1 } },
    ]);
    await eventually(async () => expect(await effects(next)).toHaveLength(1));
    const [record] = (
      await dlq.waitFor((m) => m.some((x) => x.value?.toString().includes(eventId)))
    ).filter((x) => x.value?.toString().includes(eventId));
    expect(record.headers[DeadLetterHeaders.ErrorCode]).toBe('PROBE.REFUSED');
    expect(record.headers[DeadLetterHeaders.ErrorMessage]).toContain('can never be applied');
    expect(await effects(eventId)).toEqual([]);
    expect(await rows('SELECT 1 FROM processed_events WHERE event_id = $1', [eventId])).toEqual([]);
  });
});

describe('crash between effect and offset commit', () => {
  it('does not apply the effect twice when the killed consumer’s record is redelivered', async () => {
    // Hand the partition to a child process that dies (SIGKILL) right after the effect commits.
    await probe?.close();
    probe = undefined;
    const eventId = randomUUID();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'support/crash-child.ts')],
      {
        cwd: resolve(__dirname, '../../..'),
        env: {
          ...process.env,
          PROBE_CRASH_AFTER_EFFECT: '1',
          TS_NODE_PROJECT: 'tsconfig.jest.json',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => done(signal)),
    );
    await kafka.produce(topic, [{ key: 'c5', value: { eventId, amount: 42 } }]);
    let timer: NodeJS.Timeout | undefined;
    const signal = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`child did not crash: ${stderr}`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(signal).toBe('SIGKILL');
    expect(await effects(eventId)).toEqual([{ amount: 42 }]);
    expect(await deliveries(eventId)).toBe(1);

    // A new instance of the same consumer group gets the uncommitted record again...
    probe = await startProbe();
    const marker = randomUUID();
    await kafka.produce(topic, [{ key: 'c5', value: { eventId: marker, amount: 1 } }]);
    await eventually(async () => expect(await effects(marker)).toHaveLength(1), {
      timeoutMs: 60_000,
    });
    // ...and finds its processed-event row: still exactly one effect.
    expect(await deliveries(eventId)).toBe(2);
    expect(await effects(eventId)).toEqual([{ amount: 42 }]);
  });
});

describe('graceful shutdown', () => {
  it('finishes the record in hand and commits its offset before the service stops', async () => {
    const eventId = randomUUID();
    await kafka.produce(topic, [{ key: 'c7', value: { eventId, amount: 3, behaviour: 'slow' } }]);
    // The handler has the record (counted outside its transaction) but has not committed yet.
    await eventually(async () => expect(await deliveries(eventId)).toBe(1));
    expect(await effects(eventId)).toEqual([]);
    await probe!.close();
    probe = undefined;
    expect(await effects(eventId)).toEqual([{ amount: 3 }]);

    // The next instance of the group starts after that offset: the record is not delivered again.
    probe = await startProbe();
    const marker = randomUUID();
    await kafka.produce(topic, [{ key: 'c7', value: { eventId: marker, amount: 1 } }]);
    await eventually(async () => expect(await effects(marker)).toHaveLength(1), {
      timeoutMs: 60_000,
    });
    expect(await deliveries(eventId)).toBe(1);
  });
});

describe('Outbox', () => {
  it('publishes committed rows in order and never a row from a rolled-back transaction', async () => {
    const outTopic = uniqueName('probe.out');
    await kafka.createTopics([outTopic], 1);
    const collector = await kafka.collect([outTopic]);
    const outbox = probe!.app.get(Outbox);
    const relay = probe!.app.get(OutboxRelay);
    const ds = probe!.app.get(DataSource);

    await ds.transaction(async (tx) => {
      await outbox.add(tx, {
        topic: outTopic,
        key: 'c6',
        value: { n: 1 },
        headers: { 'event-type': 'probe' },
      });
    });
    await expect(
      ds.transaction(async (tx) => {
        await outbox.add(tx, { topic: outTopic, key: 'c6', value: { n: 'rolled back' } });
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule failed');
    await ds.transaction(async (tx) => {
      await outbox.add(
        tx,
        { topic: outTopic, key: 'c6', value: { n: 2 } },
        { topic: outTopic, key: 'c6', value: { n: 3 } },
      );
    });

    await collector.waitFor((m) => m.length >= 3);
    await relay.publishBatch(); // nothing left behind
    expect(collector.json(outTopic)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(collector.messages[0]).toMatchObject({ key: 'c6', headers: { 'event-type': 'probe' } });
    expect(await rows(`SELECT 1 FROM outbox_messages WHERE value LIKE '%rolled back%'`)).toEqual(
      [],
    );
    expect(await rows('SELECT 1 FROM outbox_messages WHERE sent_at IS NULL')).toEqual([]);
  });
});

describe('hostile records', () => {
  it('keeps keys and headers as the broker gave them and dead-letters a handler failure that is no outage', async () => {
    const dlq = await kafka.collect([deadLetterTopic(topic)]);
    const odd = Buffer.from('{"a": 1 , "b":[ 2 ]}'); // a JSON-looking key, spaced as sent
    const binary = Buffer.from([0x00, 0xff, 0x7b, 0x22]);
    const eventId = randomUUID();
    const after = randomUUID();
    await kafka.produce(topic, [
      { key: odd, value: '{"eventId": "broken', headers: { 'x-json': '{ "h" : [1] }' } },
      { key: binary, value: '[]', headers: { 'x-bin': Buffer.from([0xde, 0xad]) } },
      { key: 'c8', value: { eventId, amount: 1, behaviour: 'range-error' } },
      { key: 'c8', value: { eventId: after, amount: 2 } },
    ]);
    await eventually(async () => expect(await effects(after)).toHaveLength(1));
    const parked = await dlq.waitFor((m) => m.length >= 3);
    const byKey = (k: Buffer) => parked.find((m) => m.key === k.toString('utf8'));
    expect(byKey(odd)?.headers['x-json']).toBe('{ "h" : [1] }');
    expect(byKey(binary)).toBeDefined();
    // A handler error that is not an outage ends dead-lettered after its retries.
    const failed = parked.find((m) => m.value?.toString().includes(eventId));
    expect(failed?.headers[DeadLetterHeaders.ErrorCode]).toBe('RETRIES_EXHAUSTED');
    expect(failed?.headers[DeadLetterHeaders.ErrorMessage]).toContain('Maximum call stack');
    expect(await effects(eventId)).toEqual([]);
  });
});

describe('a stalled consumer', () => {
  it('makes /ready answer 503 and shows the age of its oldest unfinished record until it moves on', async () => {
    const eventId = randomUUID();
    await kafka.produce(topic, [{ key: 'c9', value: { eventId, amount: 1, behaviour: 'stall' } }]);
    const stalled = await eventually(async () => {
      expect((await fetch(`${probe!.url}/ready`)).status).toBe(503);
      const res = await fetch(`${probe!.adminUrl}/ready`);
      expect(res.status).toBe(503);
      return JSON.stringify(await res.json());
    });
    expect(stalled).toContain(`consumer ${groupId} has been on ${topic}`);
    const metrics = await (await fetch(`${probe!.adminUrl}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('pos_kafka_oldest_unprocessed_record_seconds{') &&
          l.includes(`group="${groupId}"`) &&
          l.includes(`topic="${topic}"`),
      );
    const age = / ([0-9.e+-]+)$/.exec(line ?? '');
    expect(Number(age?.[1])).toBeGreaterThan(1.5);
    await eventually(async () => expect(await effects(eventId)).toHaveLength(1));
    await eventually(async () => expect((await fetch(`${probe!.url}/ready`)).status).toBe(200));
  });
});

describe('Outbox under volume', () => {
  it('publishes 20,000 events written by one transaction, and parks a row the broker refuses', async () => {
    const outTopic = uniqueName('probe.volume');
    await kafka.createTopics([outTopic], 1);
    const collector = await kafka.collect([outTopic]);
    const outbox = probe!.app.get(Outbox);
    const ds = probe!.app.get(DataSource);
    await ds.transaction(async (tx) => {
      await outbox.add(
        tx,
        ...Array.from({ length: 10_000 }, (_, n) => ({ topic: outTopic, key: 'v', value: { n } })),
        // Over the broker's 1 MB record limit: it can never be published.
        { topic: outTopic, key: 'v', value: { n: 'too large', pad: 'x'.repeat(2 * 1024 * 1024) } },
        ...Array.from({ length: 10_000 }, (_, n) => ({
          topic: outTopic,
          key: 'v',
          value: { n: 10_000 + n },
        })),
      );
    });
    await collector.waitFor((m) => m.length >= 20_000, 120_000);
    const ns = collector.json<{ n: number }>(outTopic).map((e) => e.n);
    expect(ns).toEqual(Array.from({ length: 20_000 }, (_, n) => n)); // all, in order, once
    const [parked] = await rows<{ park_reason: string }>(
      `SELECT park_reason FROM outbox_messages WHERE parked_at IS NOT NULL AND topic = $1`,
      [outTopic],
    );
    expect(parked.park_reason).toMatch(/refused/);
  }, 180_000);
});

describe('MessagingHousekeeping', () => {
  it('prunes processed events past the retention and keeps the recent ones', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    await rows(
      `INSERT INTO processed_events (consumer, event_id, topic, partition, "offset", processed_at)
       VALUES ('prune-test', $1, 't', 0, 1, now() - interval '31 days'),
              ('prune-test', $2, 't', 0, 2, now() - interval '29 days')`,
      [old, recent],
    );
    await probe!.app.get(MessagingHousekeeping).prune();
    const left = await rows<{ event_id: string }>(
      `SELECT event_id FROM processed_events WHERE consumer = 'prune-test'`,
    );
    expect(left.map((r) => r.event_id)).toEqual([recent]);
  });
});

describe('readiness', () => {
  it('reports the database and Kafka up on the admin listener', async () => {
    const res = await fetch(`${probe!.adminUrl}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, kafka: { status: 'up' } },
    });
  });
});
