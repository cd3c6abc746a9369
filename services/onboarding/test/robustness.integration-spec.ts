import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  anAuthFailed,
  Collector,
  eventually,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  serviceEnv,
  SpawnedService,
  TestKafka,
  TestSandbox,
  TestSchema,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// onboarding consumes integration.tripletex-auth-failed.v1: hostile records on it are
// dead-lettered with their reason, and the good reports around them are applied.

let sandbox: TestSandbox;
let schema: TestSchema;
let service: SpawnedService;
let kafka: TestKafka;
let events: Collector;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  schema = await TestSchema.create('onboarding_robust');
  env = {
    ...serviceEnv(schema.name),
    ...testSecrets().env,
    TRIPLETEX_BASE_URL: sandbox.apiUrl,
    TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
    KAFKA_HANDLER_MAX_ATTEMPTS: '3',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  kafka = new TestKafka();
  service = await SpawnedService.start(join(__dirname, '../dist/main.js'), env);
  await service.ready();
  events = await kafka.collect([deadLetterTopic(Topics.TripletexAuthFailedV1)]);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await kafka?.close();
  await sandbox?.stop();
  await schema?.drop();
});

it('dead-letters every hostile auth-failure report and applies the good ones around them', async () => {
  const companies = [uniqueName('robust_co'), uniqueName('robust_co')];
  const good = companies.flatMap((c) => [anAuthFailed(c), anAuthFailed(c, 'sales-export')]);
  const hostile = hostileRecords(Topics.TripletexAuthFailedV1, anAuthFailed(companies[0]));
  await publishInterleaved(
    kafka,
    Topics.TripletexAuthFailedV1,
    hostile,
    good.map((e) => ({ key: e.companyId as string, value: e })),
  );
  await eventually(
    async () => {
      const rows = await schema.query<{ event_id: string }>(
        'SELECT event_id FROM processed_events WHERE event_id = ANY($1)',
        [good.map((e) => e.eventId)],
      );
      expect(rows).toHaveLength(good.length);
    },
    { timeoutMs: 60_000 },
  );
  await eventually(
    () =>
      expect(
        notDeadLettered(
          events.messages,
          deadLetterTopic(Topics.TripletexAuthFailedV1),
          env.KAFKA_GROUP_ID,
          hostile,
        ),
      ).toEqual([]),
    { timeoutMs: 60_000 },
  );
  expect((await fetch(`${service.url}/ready`)).status).toBe(200);
}, 180_000);
