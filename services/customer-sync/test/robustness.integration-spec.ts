import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { SecretBox } from '@pos-tripletex/platform';
import {
  aMinimalConfig,
  anIntegrationConfig,
  backOfficeJwt,
  Collector,
  eventually,
  freePort,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  SandboxCompany,
  serviceEnv,
  SpawnedService,
  TestKafka,
  TestSandbox,
  TestSchema,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// customer-sync under hostile settings records and a noisy neighbour: one instance that may work
// on one company at a time, so only taking turns can keep a slow company from holding up another.

let sandbox: TestSandbox;
let schema: TestSchema;
let service: SpawnedService;
let kafka: TestKafka;
let events: Collector;
let jwtSecret: string;
let box: SecretBox;
let env: Record<string, string>;

async function seeded(customers: number): Promise<{ companyId: string; company: SandboxCompany }> {
  const companyId = uniqueName('robust_co');
  const company = await sandbox.createCompany({ name: `Kunder ${companyId}` });
  await sandbox.addCustomers(
    company.companyId,
    Array.from({ length: customers }, (_, i) => ({ name: `Kunde ${String(i).padStart(4, '0')}` })),
  );
  return { companyId, company };
}

const configOf = (companyId: string, company: SandboxCompany) =>
  anIntegrationConfig({
    companyId,
    version: 1,
    tripletexCompanyId: company.companyId,
    employeeToken: box.seal(company.employeeToken, companyId),
    startDate: '2026-11-01',
    mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
  });

async function syncStatus(companyId: string) {
  const res = await fetch(`${service.url}/v1/companies/${companyId}/customers/sync-status`, {
    headers: { authorization: `Bearer ${backOfficeJwt(jwtSecret, companyId)}` },
  });
  return (await res.json()) as { fullSync?: { status: string; customers?: number } };
}

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  schema = await TestSchema.create('customer_sync_robust');
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
    SYNC_PAGES_PER_TURN: '2',
    SYNC_CONCURRENCY: '1',
    SYNC_POLL_SECONDS: '1',
    WEBHOOK_SETTLE_MS: '100',
    OUTBOX_POLL_INTERVAL_MS: '100',
    KAFKA_HANDLER_MAX_ATTEMPTS: '3',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  kafka = new TestKafka();
  service = await SpawnedService.start(join(__dirname, '../dist/main.js'), env, port);
  await service.ready();
  events = await kafka.collect([deadLetterTopic(Topics.IntegrationConfigV1)]);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await kafka?.close();
  await sandbox?.stop();
  await schema?.drop();
});

it('dead-letters every hostile settings record and still syncs the companies around them', async () => {
  const [a, b] = [await seeded(25), await seeded(15)];
  const hostile = hostileRecords(Topics.IntegrationConfigV1, aMinimalConfig(a.companyId), {
    compacted: true,
  });
  await publishInterleaved(kafka, Topics.IntegrationConfigV1, hostile, [
    { key: a.companyId, value: configOf(a.companyId, a.company) },
    { key: b.companyId, value: configOf(b.companyId, b.company) },
  ]);
  await eventually(
    async () => {
      expect((await syncStatus(a.companyId)).fullSync).toMatchObject({ status: 'DONE' });
      expect((await syncStatus(b.companyId)).fullSync).toMatchObject({ status: 'DONE' });
    },
    { timeoutMs: 60_000 },
  );
  await eventually(
    () =>
      expect(
        notDeadLettered(
          events.messages,
          deadLetterTopic(Topics.IntegrationConfigV1),
          env.KAFKA_GROUP_ID,
          hostile,
        ),
      ).toEqual([]),
    { timeoutMs: 60_000 },
  );
  const [{ count }] = await schema.query<{ count: string }>(
    'SELECT count(*) FROM customers WHERE company_id = ANY($1)',
    [[a.companyId, b.companyId]],
  );
  expect(Number(count)).toBe(40);
  expect((await fetch(`${service.url}/ready`)).status).toBe(200);
}, 180_000);

it('syncs a newly activated company while one with a slow Tripletex and many customers takes turns', async () => {
  const slow = await seeded(400); // 40 pages of 10
  await sandbox.setControls({
    companyLatency: [{ companyId: slow.company.companyId, latencyMs: 500 }],
  });
  try {
    await kafka.produce(Topics.IntegrationConfigV1, [
      { key: slow.companyId, value: configOf(slow.companyId, slow.company) },
    ]);
    await eventually(
      async () => expect((await syncStatus(slow.companyId)).fullSync?.status).toBe('RUNNING'),
      { timeoutMs: 30_000 },
    );
    const quick = await seeded(12);
    const activatedAt = Date.now();
    await kafka.produce(Topics.IntegrationConfigV1, [
      { key: quick.companyId, value: configOf(quick.companyId, quick.company) },
    ]);
    await eventually(
      async () => expect((await syncStatus(quick.companyId)).fullSync?.status).toBe('DONE'),
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const tookMs = Date.now() - activatedAt;
    const slowState = await syncStatus(slow.companyId);
    console.log(
      `[fairness] customer-sync: the new company was synced in ${tookMs} ms while the slow one was ${JSON.stringify(slowState.fullSync)}`,
    );
    // One worker slot, and still served before the slow company's 40 pages were through.
    expect(slowState.fullSync?.status).toBe('RUNNING');
  } finally {
    await sandbox.setControls({
      companyLatency: [{ companyId: slow.company.companyId, latencyMs: 0 }],
    });
  }
}, 180_000);
