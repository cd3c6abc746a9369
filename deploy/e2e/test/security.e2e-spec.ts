import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  aCheckout,
  eventually,
  expectClosedPublicSurface,
  testInfra,
  testKafkaPassword,
  testKafkaSecurity,
  TestKafka,
  uniqueName,
} from '@pos-tripletex/testing';
import { Kafka, KafkaJSError, logLevel, SASLOptions } from 'kafkajs';
import { onboard, todaySoFar } from '../src/scenario';
import { System } from '../src/system';

// The security suite: every door issue 17 closed, tried against the running system – each
// service as its own process and its own Kafka principal, the tests' SASL broker with the ACLs of
// deploy/kafka/acls.json. Each test tries to open a door and fails if it opens.

let system: System;

const brokers = () => testInfra().kafkaBrokers.split(',');

/** A kafkajs client as someone (no `sasl`: an unauthenticated one). */
function client(sasl?: SASLOptions): Kafka {
  return new Kafka({
    clientId: uniqueName('door'),
    brokers: brokers(),
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 200 },
    connectionTimeout: 5000,
  });
}

function as(principal: string, password = testKafkaPassword(principal)): SASLOptions {
  if (!password) throw new Error(`no password for ${principal}: the broker must run with SASL`);
  return { mechanism: 'scram-sha-512', username: principal, password };
}

/** The broker's error type of a failed call (e.g. TOPIC_AUTHORIZATION_FAILED), or its name. */
function kind(error: unknown): string {
  const e = error as KafkaJSError & { type?: string; cause?: { type?: string } };
  return e.type ?? e.cause?.type ?? e.name ?? String(error);
}

async function produceAs(sasl: SASLOptions | undefined, topic: string): Promise<string> {
  const producer = client(sasl).producer({ allowAutoTopicCreation: false });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'door', value: '{"door":"open"}' }] });
    return 'written';
  } catch (error) {
    return kind(error);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Tries to read `topic` from the beginning: 'read' once a record arrives, else the refusal. */
async function readAs(sasl: SASLOptions, topic: string, groupId: string): Promise<string> {
  const consumer = client(sasl).consumer({ groupId, retry: { retries: 0 } });
  try {
    await consumer.connect();
    const refused = new Promise<string>((resolve) =>
      consumer.on(consumer.events.CRASH, (e) => resolve(kind(e.payload.error))),
    );
    let read = false;
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (read = true) });
    return await Promise.race([
      refused,
      eventually(
        () => {
          if (!read) throw new Error('nothing read yet');
          return 'read';
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
    ]);
  } catch (error) {
    return kind(error);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

beforeAll(async () => {
  if (!testKafkaSecurity().sasl)
    throw new Error(
      'the security suite needs the SASL broker of deploy/local/infra.sh test-up (npm test provides it)',
    );
  system = await System.start({ instances: 1 });
}, 300_000);

afterAll(async () => {
  await system?.stop();
});

describe('Kafka: authenticated, authorised by ACL', () => {
  it('refuses a client without credentials and one with a wrong password', async () => {
    expect(await produceAs(undefined, Topics.CheckoutCompletedV1)).not.toBe('written');
    const wrong = await produceAs(as('pos', 'not-the-password'), Topics.CheckoutCompletedV1);
    expect(wrong).toMatch(/SASL|Authentication/i);
  });

  it('lets the pos principal write checkouts, but not settings another company would receive', async () => {
    expect(await produceAs(as('pos'), Topics.CheckoutCompletedV1)).toBe('written');
    expect(await produceAs(as('pos'), Topics.IntegrationConfigV1)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    // …nor the services' own status topics, which POS front ends and BackOffice trust.
    expect(await produceAs(as('pos'), Topics.InvoiceStatusV1)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('keeps the pos principal from reading settings (sealed tokens) and dead letters', async () => {
    for (const topic of [
      Topics.IntegrationConfigV1,
      deadLetterTopic(Topics.CheckoutCompletedV1),
      Topics.CheckoutCompletedV1, // other tenants' sales
    ])
      expect(await readAs(as('pos'), topic, `pos.${uniqueName('door')}`)).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
  });

  it('lets the pos principal read the status topics only with groups named pos.…', async () => {
    expect(await produceAs(as('invoicing'), Topics.InvoiceStatusV1)).toBe('written');
    expect(await readAs(as('pos'), Topics.InvoiceStatusV1, `pos.${uniqueName('door')}`)).toBe(
      'read',
    );
    // Another service's group (kafkajs reports the refused coordinator look-up as not found).
    expect(
      await readAs(as('pos'), Topics.InvoiceStatusV1, `invoicing.${uniqueName('door')}`),
    ).toMatch(/GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound/);
  });

  it('keeps a service to its own topics: invoicing cannot publish settings, sales-export cannot publish invoices', async () => {
    expect(await produceAs(as('invoicing'), Topics.IntegrationConfigV1)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await produceAs(as('sales-export'), Topics.InvoiceStatusV1)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('still works with each service as its own principal: a checkout the pos principal publishes is invoiced, and pos reads the status', async () => {
    const today = todaySoFar();
    const company = await onboard(system, { collective: false, startDate: today.day });
    await system.settingsApplied([company.companyId]);
    const [at] = today.times(1);
    const checkout = aCheckout({
      companyId: company.companyId,
      locationId: 'oslo-sentrum',
      completedAt: at,
      lines: [{ unitPriceGross: 12500 }],
      invoice: { customerId: company.customers[0], reference: 'DOOR-1', comment: 'security' },
    });
    const pos = new TestKafka(testInfra().kafkaBrokers, as('pos'));
    try {
      await pos.produce(Topics.CheckoutCompletedV1, [{ key: company.companyId, value: checkout }]);
    } finally {
      await pos.close();
    }
    const statuses = client(as('pos')).consumer({ groupId: `pos.${uniqueName('status')}` });
    const seen: string[] = [];
    await statuses.connect();
    try {
      await statuses.subscribe({ topics: [Topics.InvoiceStatusV1], fromBeginning: true });
      await statuses.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value?.toString() ?? '{}');
          if (event.checkoutEventId === checkout.eventId) seen.push(event.status);
        },
      });
      await eventually(
        () => {
          if (!seen.includes('INVOICED')) throw new Error(`statuses so far: ${seen.join(', ')}`);
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    } finally {
      await statuses.disconnect();
    }
  });
});

describe('what is public is chosen', () => {
  it('answers /metrics and /docs on every public port like a path that never existed, and /health and /ready with a bare status', async () => {
    for (const instance of system.all()) await expectClosedPublicSurface(instance.url);
  });
});
