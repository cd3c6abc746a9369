import { join } from 'node:path';
import { createHmac, randomUUID } from 'node:crypto';
import { Topics } from '@pos-tripletex/contracts';
import { SecretBox } from '@pos-tripletex/platform';
import {
  backOfficeJwt,
  Collector,
  eventually,
  freePort,
  SandboxCompany,
  serviceEnv,
  SpawnedService,
  TestKafka,
  TestSandbox,
  TestSchema,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';
import { TripletexClient } from '@pos-tripletex/tripletex';
import { createDataSource } from '../src/database/setup';

// Customers mirrored from Tripletex: initial sync over several pages, webhooks, the changedSince
// safety net, refused webhooks, a 429 storm, tenant isolation, deactivation. customer-sync runs as
// its own process; Tripletex is the sandbox; Kafka and PostgreSQL are real.

let sandbox: TestSandbox;
let schema: TestSchema;
let service: SpawnedService;
let kafka: TestKafka;
let events: Collector;
let jwtSecret: string;
let box: SecretBox;
let env: Record<string, string>;
let configVersion = 0;

async function activate(
  companyId: string,
  company: SandboxCompany,
  status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE',
) {
  configVersion += 1;
  await kafka.produce(Topics.IntegrationConfigV1, [
    {
      key: companyId,
      value: {
        eventId: randomUUID(),
        schemaVersion: 1,
        companyId,
        version: configVersion,
        status,
        changedAt: new Date().toISOString(),
        startDate: '2026-11-01',
        tripletex: {
          companyId: company.companyId,
          employeeToken:
            status === 'ACTIVE' ? box.seal(company.employeeToken, companyId) : undefined,
        },
      },
    },
  ]);
}

async function api(
  companyId: string,
  path: string,
  init: RequestInit = {},
  jwtCompany = companyId,
) {
  const res = await fetch(`${service.url}/v1/companies/${companyId}/customers${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${backOfficeJwt(jwtSecret, jwtCompany)}`,
      ...(init.headers ?? {}),
    },
  });
  return { status: res.status, body: (await res.json()) as any };
}

const syncDone = (companyId: string, generation = 1) =>
  eventually(
    async () => {
      const s = await api(companyId, '/sync-status');
      expect(s.body.fullSync).toMatchObject({ status: 'DONE', generation });
      return s.body;
    },
    { timeoutMs: 60_000 },
  );

async function seeded(customers: number, inactive = 0) {
  const companyId = uniqueName('co');
  const company = await sandbox.createCompany({ name: `Kunder ${companyId}` });
  await sandbox.addCustomers(company.companyId, [
    ...Array.from({ length: customers }, (_, i) => ({
      name: `Kunde ${String(i).padStart(3, '0')}`,
      email: `k${i}@example.no`,
      organizationNumber: String(910000000 + i),
    })),
    ...Array.from({ length: inactive }, (_, i) => ({ name: `Tidligere ${i}`, isInactive: true })),
  ]);
  return { companyId, company };
}

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  schema = await TestSchema.create('customer_sync_flow');
  const secrets = testSecrets();
  jwtSecret = secrets.jwtSecret;
  box = SecretBox.fromConfig(secrets.env.ENCRYPTION_KEYS, secrets.env.ENCRYPTION_ACTIVE_KEY_ID);
  const port = await freePort();
  env = {
    ...serviceEnv(schema.name),
    ...secrets.env,
    TRIPLETEX_BASE_URL: sandbox.apiUrl,
    TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
    WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SYNC_PAGE_SIZE: '10',
    SYNC_POLL_SECONDS: '1',
    CHANGED_SINCE_INTERVAL_SECONDS: '5',
    WEBHOOK_SETTLE_MS: '300',
    OUTBOX_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'info',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  kafka = new TestKafka();
  service = await SpawnedService.start(join(__dirname, '../dist/main.js'), env, port);
  await service.ready();
  events = await kafka.collect([Topics.CustomersChangedV1]);
});

afterAll(async () => {
  await service?.stop();
  await kafka?.close();
  await sandbox?.stop();
  await schema?.drop();
});

describe('customer sync', () => {
  it('syncs every customer of a new integration, page by page, active and inactive', async () => {
    const { companyId, company } = await seeded(35, 3);
    await activate(companyId, company);
    const status = await syncDone(companyId);
    expect(status).toMatchObject({ active: true, customers: 38, webhooks: { subscribed: true } });
    expect(status.fullSync.pagesDone).toBeGreaterThanOrEqual(5); // 4 pages of active customers, 1 of inactive
    const list = await api(companyId, '?count=100');
    expect(list.body).toMatchObject({ total: 35, count: 35 });
    expect(list.body.values[0]).toMatchObject({
      name: 'Kunde 000',
      email: 'k0@example.no',
      isInactive: false,
    });
    expect((await api(companyId, '?includeInactive=true&count=100')).body.total).toBe(38);
    expect(
      (await api(companyId, '?query=kunde 01&sort=-name')).body.values.map((c: any) => c.name),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `Kunde 01${9 - i}`));
    expect((await api(companyId, '?organizationNumber=910000007')).body.values).toEqual([
      expect.objectContaining({ name: 'Kunde 007' }),
    ]);
    await eventually(() =>
      expect(events.messages.filter((m) => m.key?.startsWith(`${companyId}:`))).toHaveLength(38),
    );
    const one = events.messages.find((m) => m.key?.startsWith(`${companyId}:`))!;
    expect(JSON.parse(one.value!.toString())).toMatchObject({
      schemaVersion: 1,
      companyId,
      pickable: true,
      version: 1,
    });
    const subscriptions = (await sandbox.ledger<{ subscriptions: any[] }>(company.companyId))
      .subscriptions;
    expect(subscriptions.map((s) => s.event).sort()).toEqual([
      'customer.create',
      'customer.delete',
      'customer.update',
    ]);
  });

  it('follows customers created, changed and deleted in Tripletex through webhooks within seconds', async () => {
    const { companyId, company } = await seeded(2);
    await activate(companyId, company);
    await syncDone(companyId);
    const [created] = await sandbox.addCustomers(company.companyId, [
      { name: 'Ny Gjest AS', email: 'ny@gjest.no' },
    ]);
    const byId = (id: number) => api(companyId, `/${id}`);
    await eventually(
      async () => expect((await byId(created.id)).body).toMatchObject({ name: 'Ny Gjest AS' }),
      { timeoutMs: 5000 },
    );
    await sandbox.operator('PUT', `companies/${company.companyId}/customers/${created.id}`, {
      name: 'Ny Gjest Endret AS',
    });
    await eventually(
      async () =>
        expect((await byId(created.id)).body).toMatchObject({
          name: 'Ny Gjest Endret AS',
          version: 2,
        }),
      { timeoutMs: 5000 },
    );
    await sandbox.operator('POST', `companies/${company.companyId}/customers/${created.id}/delete`);
    await eventually(async () => expect((await byId(created.id)).status).toBe(404), {
      timeoutMs: 5000,
    });
    await eventually(() => {
      const forKey = events.messages.filter((m) => m.key === `${companyId}:${created.id}`);
      expect(forKey.at(-1)?.value).toBeNull(); // tombstone
    });
    // Deleted customers keep their history.
    expect(
      await schema.query(
        'SELECT name, deleted_at IS NOT NULL AS deleted FROM customers WHERE customer_id = $1',
        [created.id],
      ),
    ).toEqual([{ name: 'Ny Gjest Endret AS', deleted: true }]);
  });

  it('catches a change whose webhook never came with the changedSince sync', async () => {
    const { companyId, company } = await seeded(3);
    await activate(companyId, company);
    await syncDone(companyId);
    // Webhooks stop reaching us (Tripletex disabled the subscriptions).
    const client = new TripletexClient({
      baseUrl: sandbox.apiUrl,
      consumerToken: sandbox.consumerToken,
    });
    const tx = client.company({ key: 'admin', employeeToken: company.employeeToken });
    for (const s of (await tx.listSubscriptions()).values ?? [])
      await tx.updateSubscription(s.id as number, { status: 'DISABLED' });
    const [customer] = (await tx.listCustomers({ customerName: 'Kunde 001' })).values ?? [];
    await tx.updateCustomer(customer.id as number, { name: 'Endret Uten Varsel AS' });
    client.close();
    await eventually(
      async () =>
        expect((await api(companyId, `/${customer.id}`)).body.name).toBe('Endret Uten Varsel AS'),
      { timeoutMs: 20_000 },
    );
  });

  it('refuses webhooks without the right secret or signature, and ignores a replayed one', async () => {
    const { companyId, company } = await seeded(1);
    await activate(companyId, company);
    await syncDone(companyId);
    const [state] = await schema.query<{
      webhook_secrets: any;
      subscription_ids: Record<string, number>;
    }>('SELECT webhook_secrets, subscription_ids FROM sync_states WHERE company_id = $1', [
      companyId,
    ]);
    const authHeader = box.open(state.webhook_secrets.authHeader, companyId);
    const hmac = box.open(state.webhook_secrets.hmac, companyId);
    const [customer] = (await api(companyId, '')).body.values;
    const body = JSON.stringify({
      subscriptionId: state.subscription_ids['customer.delete'],
      event: 'customer.delete',
      id: customer.customerId,
      value: null,
    });
    const send = (headers: Record<string, string>) =>
      fetch(`${service.url}/v1/webhooks/tripletex/${companyId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const key = randomUUID();
    const signature = createHmac('sha512', hmac).update(`${key}&${body}`).digest('base64');
    expect((await send({ 'idempotency-key': key, 'x-request-signature': signature })).status).toBe(
      401,
    );
    expect(
      (
        await send({
          'idempotency-key': key,
          'x-request-signature': signature,
          'x-pos-tripletex-webhook-secret': 'guess',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await send({
          'idempotency-key': key,
          'x-request-signature': 'forged',
          'x-pos-tripletex-webhook-secret': authHeader,
        })
      ).status,
    ).toBe(401);
    expect((await api(companyId, `/${customer.customerId}`)).status).toBe(200); // nothing changed
    const ok = await send({
      'idempotency-key': key,
      'x-request-signature': signature,
      'x-pos-tripletex-webhook-secret': authHeader,
    });
    expect(await ok.json()).toEqual({ applied: true });
    const replay = await send({
      'idempotency-key': key,
      'x-request-signature': signature,
      'x-pos-tripletex-webhook-secret': authHeader,
    });
    expect(await replay.json()).toMatchObject({ applied: false });
  });

  it('still completes an initial sync through a storm of 429s', async () => {
    const { companyId, company } = await seeded(60);
    await sandbox.setControls({
      rateLimit: { limit: 2, windowSeconds: 1, omitResetHeaderRatio: 0.5 },
    });
    // The client paces itself on X-Rate-Limit-Remaining, so the storm also comes unannounced.
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      pathPrefix: '/customer',
      companyId: company.companyId,
      count: 4,
    });
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      pathPrefix: '/customer',
      companyId: company.companyId,
      omitResetHeader: true,
      count: 4,
    });
    try {
      await activate(companyId, company);
      const status = await syncDone(companyId);
      expect(status.customers).toBe(60);
      const refused = (await sandbox.requests(company.companyId)).filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(8);
    } finally {
      await sandbox.setControls({ rateLimit: { limit: 100000, windowSeconds: 3600 } });
    }
    expect((await api(companyId, '?count=100')).body.total).toBe(60);
  });

  it('shows a company only its own customers', async () => {
    const a = await seeded(2);
    const b = await seeded(2);
    await activate(a.companyId, a.company);
    await activate(b.companyId, b.company);
    await syncDone(a.companyId);
    await syncDone(b.companyId);
    expect((await api(b.companyId, '', {}, a.companyId)).status).toBe(403);
    const mine = (await api(a.companyId, '')).body.values.map((c: any) => c.customerId);
    const theirs = (await api(b.companyId, '')).body.values.map((c: any) => c.customerId);
    expect(mine.some((id: number) => theirs.includes(id))).toBe(false);
    expect((await api(a.companyId, `/${theirs[0]}`)).status).toBe(404);
  });

  it('stops serving and unsubscribes when the integration is deactivated; a resync can be requested', async () => {
    const { companyId, company } = await seeded(2);
    await activate(companyId, company);
    await syncDone(companyId);
    const resync = await api(companyId, '/resync', { method: 'POST' });
    expect(resync).toMatchObject({
      status: 202,
      body: { fullSync: { status: 'PENDING', generation: 2 } },
    });
    await syncDone(companyId, 2);
    await activate(companyId, company, 'INACTIVE');
    await eventually(async () => expect((await api(companyId, '')).status).toBe(409));
    await eventually(
      async () =>
        expect(
          (await sandbox.ledger<{ subscriptions: any[] }>(company.companyId)).subscriptions,
        ).toEqual([]),
      { timeoutMs: 10_000 },
    );
  });
});
