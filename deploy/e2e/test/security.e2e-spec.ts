import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  aCheckout,
  backOfficeJwt,
  eventually,
  expectClosedPublicSurface,
  serviceEnv,
  SpawnedService,
  testInfra,
  testKafkaPrincipalEnv,
  TestSchema,
  testSecrets,
  testKafkaPassword,
  testKafkaSecurity,
  TestKafka,
  uniqueName,
} from '@pos-tripletex/testing';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  KafkaJSError,
  logLevel,
  ResourcePatternTypes,
  SASLOptions,
} from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';
import { onboard, todaySoFar } from '../src/scenario';
import { mainOf, migrate, System } from '../src/system';

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
    // Without SASL the broker closes the connection before any request is answered.
    expect(await produceAs(undefined, Topics.CheckoutCompletedV1)).toMatch(
      /KafkaJSConnectionClosedError|KafkaJSNumberOfRetriesExceeded/,
    );
    const wrong = await produceAs(as('pos', 'not-the-password'), Topics.CheckoutCompletedV1);
    expect(wrong).toMatch(
      /authentication failed.*invalid credentials|KafkaJSSASLAuthenticationError/i,
    );
    // The control: the right password is let in.
    expect(await produceAs(as('pos'), Topics.CheckoutCompletedV1)).toBe('written');
  });

  it('allows nothing no ACL grants: a topic nobody was granted is closed to every principal', async () => {
    const unlisted = uniqueName('unlisted');
    await system.kafka.createTopics([unlisted], 1); // as the super user
    for (const principal of ['pos', 'invoicing', 'onboarding'])
      expect(await produceAs(as(principal), unlisted)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await readAs(as('pos'), unlisted, `pos.${uniqueName('door')}`)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('takes a grant the plan does not make off the broker again (deploy/kafka/acls.mjs)', async () => {
    // Someone grants pos the settings topic by hand: the door is open…
    const admin = client(testKafkaSecurity().sasl).admin();
    await admin.connect();
    const grant = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: Topics.IntegrationConfigV1,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:pos',
      host: '*',
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    };
    try {
      await admin.createAcls({ acl: [grant] });
      await eventually(async () =>
        expect(await produceAs(as('pos'), Topics.IntegrationConfigV1)).toBe('written'),
      );
      const acls = (...args: string[]) =>
        spawnSync(process.execPath, [join(__dirname, '../../kafka/acls.mjs'), ...args], {
          env: { ...process.env, ...testKafkaSecurity().env },
          encoding: 'utf8',
        });
      expect(acls('--check').status).toBe(1);
      // …until the plan is applied again: the stray grant is deleted.
      const applied = acls();
      expect(applied.stdout).toContain('1 removed');
      expect(acls('--check').status).toBe(0);
      await eventually(async () =>
        expect(await produceAs(as('pos'), Topics.IntegrationConfigV1)).toBe(
          'TOPIC_AUTHORIZATION_FAILED',
        ),
      );
    } finally {
      await admin.deleteAcls({ filters: [grant] }).catch(() => undefined);
      await admin.disconnect();
    }
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

describe('BackOffice tokens, verified as a relying party of an identity provider', () => {
  // The identity provider: a JWKS endpoint this test serves, with keys it can rotate.
  const ISSUER = 'https://id.example.test/';
  const AUDIENCE = 'pos-tripletex-backoffice';
  const key = (kid: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      kid,
      privateKey,
      jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    };
  };
  let published = [key('k1')];
  let jwks: Server;
  let onboarding: SpawnedService;
  let schema: TestSchema;

  const token = (
    claims: Record<string, unknown>,
    options: {
      key?: { kid: string; privateKey: KeyObject };
      audience?: string;
      issuer?: string;
      expiresIn?: number;
    } = {},
  ) => {
    const k = options.key ?? published[0];
    return sign({ sub: 'operator-1', ...claims }, k.privateKey, {
      algorithm: 'RS256',
      keyid: k.kid,
      issuer: options.issuer ?? ISSUER,
      audience: options.audience ?? AUDIENCE,
      expiresIn: options.expiresIn ?? 300,
    });
  };
  const call = async (companyId: string, bearer: string) => {
    const res = await fetch(`${onboarding.url}/v1/companies/${companyId}/tripletex`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    schema = await TestSchema.create('security_onboarding');
    const secrets = testSecrets();
    const env = {
      ...serviceEnv(schema.name),
      ...testKafkaPrincipalEnv('onboarding'),
      ENCRYPTION_KEYS: secrets.env.ENCRYPTION_KEYS,
      ENCRYPTION_ACTIVE_KEY_ID: secrets.env.ENCRYPTION_ACTIVE_KEY_ID,
      TRIPLETEX_CONSUMER_TOKEN: system.sandbox.consumerToken,
      TRIPLETEX_BASE_URL: system.sandbox.apiUrl,
      KAFKA_GROUP_ID: `onboarding.${uniqueName('security')}`,
      AUTH_JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    };
    migrate('onboarding', env);
    onboarding = await SpawnedService.start(mainOf('onboarding'), env);
    await onboarding.ready(90_000);
  }, 120_000);

  afterAll(async () => {
    await onboarding?.stop();
    await schema?.drop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('admits a token of the provider for its own company (the control)', async () => {
    const answer = await call('co-a', token({ companyId: 'co-a' }));
    expect([401, 403]).not.toContain(answer.status);
  });

  it('refuses expired, unsigned, foreign-audience, foreign-issuer and HS256 tokens alike: 401 with no key id', async () => {
    const hs256 = sign(
      { companyId: 'co-a', sub: 'x' },
      'a-shared-secret-the-attacker-picked-0123456789',
      {
        algorithm: 'HS256',
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: 300,
      },
    );
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({
      companyId: 'co-a',
      sub: 'x',
      iss: ISSUER,
      aud: AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + 300,
    })}.`;
    const stranger = key('k-unknown');
    const refused = {
      expired: token({ companyId: 'co-a' }, { expiresIn: -120 }),
      unsigned,
      'wrong audience': token({ companyId: 'co-a' }, { audience: 'another-app' }),
      'wrong issuer': token({ companyId: 'co-a' }, { issuer: 'https://evil.example/' }),
      'HS256 while RS256 is configured': hs256,
      'signed by a key the provider never published': token(
        { companyId: 'co-a' },
        { key: stranger },
      ),
      'no expiry': sign({ companyId: 'co-a', sub: 'x' }, published[0].privateKey, {
        algorithm: 'RS256',
        keyid: 'k1',
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    };
    for (const [what, bearer] of Object.entries(refused)) {
      const answer = await call('co-a', bearer);
      expect({ what, status: answer.status }).toEqual({ what, status: 401 });
      expect(answer.body).not.toMatch(/k-unknown|k1|kid/);
    }
  });

  it('keeps a token of company A off company B’s path (403)', async () => {
    expect((await call('co-b', token({ companyId: 'co-a' }))).status).toBe(403);
  });

  it('follows the provider’s key rotation: a token signed with a newly published key is admitted', async () => {
    const next = key('k2');
    const early = await call('co-a', token({ companyId: 'co-a' }, { key: next }));
    expect(early.status).toBe(401);
    published = [next, ...published];
    const status = (await call('co-a', token({ companyId: 'co-a' }, { key: next }))).status;
    expect([401, 403]).not.toContain(status);
  });
});

describe('the audit trail of financial settings', () => {
  it('records who changed what and when for every wizard step, never the token, readable only by the company', async () => {
    const startedAt = new Date(Date.now() - 1000).toISOString();
    const company = await onboard(system, { collective: true, startDate: todaySoFar().day });
    const page = await system.api('onboarding', company.companyId, 'GET', '/audit?limit=200');
    expect(page.status).toBe(200);
    const records = page.body.values as {
      action: string;
      actorKind: string;
      actor: string;
      occurredAt: string;
      before: unknown;
      after: unknown;
    }[];
    const actions = records.map((r) => r.action);
    for (const action of [
      'wizard.token.updated',
      'wizard.start-date.updated',
      'wizard.payment-methods.updated',
      'wizard.invoicing.updated',
      'integration.activated',
    ])
      expect(actions).toContain(action);
    for (const record of records) {
      expect(record.actor).toBe(`user-of-${company.companyId}`);
      expect(record.occurredAt >= startedAt).toBe(true);
    }
    const startDate = records.find((r) => r.action === 'wizard.start-date.updated');
    expect(JSON.stringify(startDate?.after)).toContain(todaySoFar().day);
    // The employee token is in no record, not even sealed.
    expect(JSON.stringify(records)).not.toContain(company.tripletex.employeeToken);
    // Another company's operator cannot read it.
    const other = await fetch(
      `${system.instances('onboarding')[0].url}/v1/companies/${company.companyId}/audit`,
      { headers: { authorization: `Bearer ${backOfficeJwt(system.jwtSecret, 'someone-else')}` } },
    );
    expect(other.status).toBe(403);
  });
});

describe('customer-sync’s webhook endpoint', () => {
  it('answers an unknown company id exactly as a known company without our secrets: one 401, nothing to tell them apart', async () => {
    const company = await onboard(system, { collective: false, startDate: todaySoFar().day });
    const [customerSync] = system.instances('customer-sync');
    // The sync has subscribed (the known company has a webhook target with secrets).
    await eventually(
      async () => {
        const res = await system.api(
          'customer-sync',
          company.companyId,
          'GET',
          '/customers/sync-status',
        );
        expect(res.status).toBe(200);
        expect(res.body.webhooks.subscribed).toBe(true);
      },
      { timeoutMs: 60_000 },
    );
    const knock = async (companyId: string) => {
      const res = await fetch(`${customerSync.url}/v1/webhooks/tripletex/${companyId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': uniqueName('knock'),
          'x-pos-tripletex-webhook-secret': 'a-guess',
          'x-request-signature': 'a-guess',
        },
        body: JSON.stringify({ subscriptionId: 1, event: 'customer.update', id: 1, value: null }),
      });
      const { requestId, ...body } = (await res.json()) as Record<string, unknown>;
      return { status: res.status, body, requestId };
    };
    const known = await knock(company.companyId);
    const unknown = await knock(uniqueName('no-such-company'));
    expect(known.status).toBe(401);
    expect(unknown).toEqual({ ...known, requestId: expect.any(String) });
    expect(JSON.stringify(known.body)).not.toMatch(/key|company/i);
  });
});
