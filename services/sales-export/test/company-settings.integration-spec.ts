import { randomUUID } from 'node:crypto';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { RunningService } from '@pos-tripletex/platform';
import {
  TestKafka,
  TestSchema,
  eventually,
  serviceEnv,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';
import { startForTest } from '../src/bootstrap';
import { createDataSource } from '../src/database/setup';

// The service keeps its own copy of each company's integration settings from the compacted
// integration.config.v1 topic (shared by the consuming services through libs/company-settings).

let schema: TestSchema;
let service: RunningService;
let kafka: TestKafka;

function config(companyId: string, version: number, overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId,
    version,
    status: 'ACTIVE',
    changedAt: new Date().toISOString(),
    startDate: '2026-11-01',
    mappings: {
      paymentMethods: [{ paymentMethodId: 'card', accountId: 101, accountNumber: 1920 }],
      productGroups: [
        { productGroupId: 'food', takeaway: false, accountId: 201, accountNumber: 3000 },
      ],
      otherEvents: [{ event: 'TIPS', accountId: 301, accountNumber: 2910 }],
    },
    invoicing: {
      enabled: true,
      sendToCustomer: false,
      collective: { enabled: false, cadence: 'MONTHLY' },
    },
    ...overrides,
  };
}

const stored = (companyId: string) =>
  schema.query<{ version: number; status: string; config: { invoicing: { enabled: boolean } } }>(
    'SELECT version, status, config FROM company_settings WHERE company_id = $1',
    [companyId],
  );

beforeAll(async () => {
  schema = await TestSchema.create('sales_export_settings');
  const env = { ...serviceEnv(schema.name), ...testSecrets().env };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  Object.assign(process.env, env);
  service = await startForTest();
  kafka = new TestKafka();
});

afterAll(async () => {
  await service?.close();
  await kafka?.close();
  await schema?.drop();
});

describe('integration settings replica', () => {
  it('keeps the newest version even when an older one arrives later', async () => {
    const companyId = uniqueName('co');
    await kafka.produce(Topics.IntegrationConfigV1, [
      { key: companyId, value: config(companyId, 2) },
      { key: companyId, value: config(companyId, 1, { status: 'INACTIVE' }) },
      { key: companyId, value: config(companyId, 3, { invoicing: { enabled: false } }) },
    ]);
    await eventually(async () => expect(await stored(companyId)).toMatchObject([{ version: 3 }]));
    expect((await stored(companyId))[0]).toMatchObject({
      status: 'ACTIVE',
      config: { invoicing: { enabled: false } },
    });
  });

  it('dead-letters a settings event that breaks the contract, keyed as it came', async () => {
    const dlq = await kafka.collect([deadLetterTopic(Topics.IntegrationConfigV1)]);
    const companyId = uniqueName('co');
    await kafka.produce(Topics.IntegrationConfigV1, [
      { key: companyId, value: { ...config(companyId, 1), version: 'one', status: 'SOMETIMES' } },
    ]);
    const [record] = (await dlq.waitFor((m) => m.some((x) => x.key === companyId))).filter(
      (x) => x.key === companyId,
    );
    expect(JSON.parse(record.headers['dlq-problems'])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'version' }),
        expect.objectContaining({ path: 'status' }),
      ]),
    );
    expect(await stored(companyId)).toEqual([]);
  });

  it('forgets a company on a tombstone', async () => {
    const companyId = uniqueName('co');
    await kafka.produce(Topics.IntegrationConfigV1, [
      { key: companyId, value: config(companyId, 1) },
    ]);
    await eventually(async () => expect(await stored(companyId)).toHaveLength(1));
    await kafka.produce(Topics.IntegrationConfigV1, [{ key: companyId, value: null }]);
    await eventually(async () => expect(await stored(companyId)).toEqual([]));
  });
});
