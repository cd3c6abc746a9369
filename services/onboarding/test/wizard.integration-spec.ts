import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Topics } from '@pos-tripletex/contracts';
import { SecretBox } from '@pos-tripletex/platform';
import {
  backOfficeJwt,
  Collector,
  eventually,
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

// The BackOffice wizard end to end: onboarding as its own process, over HTTP, with real
// PostgreSQL, real Kafka and the Tripletex sandbox.

let sandbox: TestSandbox;
let schema: TestSchema;
let onboarding: SpawnedService;
let kafka: TestKafka;
let events: Collector;
let jwtSecret: string;
let secrets: Record<string, string>;
const tokensUsed: string[] = [];

interface Answer {
  status: number;
  body: any;
}

async function api(
  companyId: string,
  method: string,
  path: string,
  body?: unknown,
  jwtCompany = companyId,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (jwtCompany) headers.authorization = `Bearer ${backOfficeJwt(jwtSecret, jwtCompany)}`;
  const res = await fetch(`${onboarding.url}/v1/companies/${companyId}/tripletex${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function newCompany(
  seed: { bankAccountNumber?: string | null; employeeTokenExpiresOn?: string } = {},
) {
  const companyId = uniqueName('co');
  const tripletex = await sandbox.createCompany({
    name: `Restaurant ${companyId}`,
    bankAccountNumber: '12345678903',
    ...seed,
  });
  tokensUsed.push(tripletex.employeeToken);
  return { companyId, tripletex };
}

async function accountIds(
  company: SandboxCompany,
  numbers: number[],
): Promise<Record<number, number>> {
  const client = new TripletexClient({
    baseUrl: sandbox.apiUrl,
    consumerToken: sandbox.consumerToken,
  });
  try {
    const page = await client
      .company({ key: 'lookup', employeeToken: company.employeeToken })
      .listAccounts({ number: numbers.join(','), fields: 'id,number' });
    return Object.fromEntries((page.values ?? []).map((a) => [a.number, a.id]));
  } finally {
    client.close();
  }
}

const configEvents = (companyId: string) =>
  events.messages
    .filter((m) => m.topic === Topics.IntegrationConfigV1 && m.key === companyId)
    .map((m) => JSON.parse(m.value!.toString()));
const invoiceMethodEvents = (companyId: string) =>
  events.messages
    .filter((m) => m.topic === Topics.InvoicePaymentMethodV1 && m.key === companyId)
    .map((m) => JSON.parse(m.value!.toString()));

/** Steps 1-7 for a company, with the accounts a fresh Tripletex company has (plus a card-clearing one). */
async function completeWizard(
  companyId: string,
  company: SandboxCompany,
  invoicing = true,
): Promise<Record<number, number>> {
  expect(
    (await api(companyId, 'POST', '/token', { employeeToken: company.employeeToken })).status,
  ).toBe(200);
  const created = await api(companyId, 'POST', '/accounts', { number: 1921, name: 'Kortoppgjør' });
  expect(created).toMatchObject({ status: 201, body: { number: 1921, name: 'Kortoppgjør' } });
  const ids = await accountIds(company, [1900, 1909, 1921, 2910, 3000, 3001, 7740]);
  const steps: [string, unknown][] = [
    ['/start-date', { startDate: '2026-11-01', dayCutoffHour: 4 }],
    [
      '/payment-methods',
      {
        paymentMethods: [
          { paymentMethodId: 'cash', name: 'Kontant', method: 'CASH', accountId: ids[1900] },
          { paymentMethodId: 'card', name: 'Bankkort', method: 'CARD', accountId: ids[1921] },
          { paymentMethodId: 'vipps', name: 'Vipps', method: 'VIPPS', accountId: ids[1921] },
          { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
        ],
      },
    ],
    [
      '/product-groups',
      {
        productGroups: [
          { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: ids[3000] },
          { productGroupId: 'beer', name: 'Øl', vatRate: 25, accountId: ids[3000] },
        ],
      },
    ],
    [
      '/product-groups-takeaway',
      {
        productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3001] }],
      },
    ],
    [
      '/other-events',
      {
        otherEvents: [
          { event: 'TIPS', accountId: ids[2910] },
          { event: 'ROUNDING', accountId: ids[7740] },
          { event: 'CASH_DIFFERENCE', accountId: ids[1909] },
          { event: 'GIFT_CARDS_SOLD', accountId: null },
        ],
      },
    ],
    ['/invoicing', { enabled: invoicing, collective: { enabled: invoicing, cadence: 'WEEKLY' } }],
  ];
  for (const [path, body] of steps) {
    const answer = await api(companyId, 'PUT', path, body);
    expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 200 });
  }
  return ids;
}

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  schema = await TestSchema.create('onboarding_wizard');
  const s = testSecrets();
  jwtSecret = s.jwtSecret;
  secrets = s.env;
  const env = {
    ...serviceEnv(schema.name),
    ...secrets,
    TRIPLETEX_BASE_URL: sandbox.apiUrl,
    TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
    OUTBOX_POLL_INTERVAL_MS: '100',
    REVERIFY_POLL_SECONDS: '1',
    LOG_LEVEL: 'debug',
  };
  const ds = createDataSource(env);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  kafka = new TestKafka();
  await kafka.createTopics([Topics.InvoicePaymentMethodV1]).catch(() => undefined);
  onboarding = await SpawnedService.start(join(__dirname, '../dist/main.js'), env);
  await onboarding.ready();
  events = await kafka.collect([Topics.IntegrationConfigV1, Topics.InvoicePaymentMethodV1]);
});

afterAll(async () => {
  await onboarding?.stop();
  await kafka?.close();
  await sandbox?.stop();
  await schema?.drop();
});

describe('the wizard', () => {
  it('takes a demo company from token to an active integration and publishes its settings', async () => {
    const { companyId, tripletex } = await newCompany();
    const verified = await api(companyId, 'POST', '/token', {
      employeeToken: tripletex.employeeToken,
    });
    expect(verified).toMatchObject({
      status: 200,
      body: {
        warnings: [],
        integration: {
          status: 'ONBOARDING',
          tokenStored: true,
          bankAccountRegistered: true,
          nextStep: 'start-date',
          tripletex: { companyId: tripletex.companyId, name: `Restaurant ${companyId}` },
        },
      },
    });
    expect(JSON.stringify(verified.body)).not.toContain(tripletex.employeeToken);

    const accounts = await api(companyId, 'GET', '/accounts?query=19&count=5');
    expect(accounts.status).toBe(200);
    expect(accounts.body.values.map((a: { number: number }) => a.number)).toEqual(
      expect.arrayContaining([1900, 1908, 1909]),
    );
    expect(accounts.body.hasMore).toBe(true);
    const vat = await api(companyId, 'GET', '/vat-types');
    expect(vat.body.values).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 32, number: '33', percentage: 12 })]),
    );

    // Resumable: everything saved so far is there when BackOffice comes back.
    const ids = await completeWizard(companyId, tripletex);
    const resumed = await api(companyId, 'GET', '');
    expect(resumed.body).toMatchObject({
      status: 'ONBOARDING',
      nextStep: 'finish',
      startDate: '2026-11-01',
    });
    expect(
      resumed.body.paymentMethods.map((m: { paymentMethodId: string }) => m.paymentMethodId),
    ).toEqual(['cash', 'card', 'vipps']);

    const finished = await api(companyId, 'POST', '/finish');
    expect(finished).toMatchObject({
      status: 200,
      body: { status: 'ACTIVE', configVersion: 1, nextStep: null },
    });

    const [config] = await eventually(() => {
      const found = configEvents(companyId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(config).toMatchObject({
      schemaVersion: 1,
      companyId,
      version: 1,
      status: 'ACTIVE',
      startDate: '2026-11-01',
      dayCutoffHour: 4,
      tripletex: {
        companyId: tripletex.companyId,
        employeeToken: { keyId: 'test1', value: expect.any(String) },
      },
      invoicing: {
        enabled: true,
        sendToCustomer: true,
        collective: { enabled: true, cadence: 'WEEKLY' },
      },
    });
    expect(config.mappings.paymentMethods).toEqual([
      { paymentMethodId: 'cash', accountId: ids[1900], accountNumber: 1900 },
      { paymentMethodId: 'card', accountId: ids[1921], accountNumber: 1921 },
      { paymentMethodId: 'vipps', accountId: ids[1921], accountNumber: 1921 },
    ]);
    expect(config.mappings.productGroups).toEqual([
      {
        productGroupId: 'food',
        takeaway: false,
        vatRate: 25,
        accountId: ids[3000],
        accountNumber: 3000,
      },
      {
        productGroupId: 'beer',
        takeaway: false,
        vatRate: 25,
        accountId: ids[3000],
        accountNumber: 3000,
      },
      {
        productGroupId: 'food',
        takeaway: true,
        vatRate: 15,
        accountId: ids[3001],
        accountNumber: 3001,
      },
    ]);
    expect(config.mappings.otherEvents.map((e: { event: string }) => e.event)).toEqual([
      'TIPS',
      'ROUNDING',
      'CASH_DIFFERENCE',
    ]);
    // The token travels only as ciphertext, which the services' shared key ring opens.
    expect(JSON.stringify(config)).not.toContain(tripletex.employeeToken);
    const box = SecretBox.fromConfig(secrets.ENCRYPTION_KEYS, secrets.ENCRYPTION_ACTIVE_KEY_ID);
    expect(box.open(config.tripletex.employeeToken, companyId)).toBe(tripletex.employeeToken);

    await eventually(() =>
      expect(invoiceMethodEvents(companyId)).toEqual([
        expect.objectContaining({ enabled: true, collective: true, version: 1 }),
      ]),
    );
  });

  it('publishes a new version when a section changes after finishing, and refuses a change that breaks it', async () => {
    const { companyId, tripletex } = await newCompany();
    const ids = await completeWizard(companyId, tripletex);
    expect((await api(companyId, 'POST', '/finish')).status).toBe(200);
    const changed = await api(companyId, 'PUT', '/start-date', { startDate: '2026-10-01' });
    expect(changed.body).toMatchObject({ startDate: '2026-10-01', configVersion: 2 });
    await eventually(() =>
      expect(configEvents(companyId).map((e) => [e.version, e.startDate])).toEqual([
        [1, '2026-11-01'],
        [2, '2026-10-01'],
      ]),
    );
    const broken = await api(companyId, 'PUT', '/product-groups-takeaway', {
      productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3000] }],
    });
    expect(broken).toMatchObject({ status: 422, body: { code: 'ONBOARDING.INVALID_MAPPING' } });
    expect(broken.body.details.problems).toEqual([
      expect.objectContaining({
        step: 'product-groups-takeaway',
        posId: 'food',
        accountNumber: 3000,
        code: 'ACCOUNT_VAT_LOCKED',
      }),
    ]);
  });

  it('deactivates (token deleted, invoice method off) and reconnects with a token', async () => {
    const { companyId, tripletex } = await newCompany();
    await completeWizard(companyId, tripletex);
    await api(companyId, 'POST', '/finish');
    const off = await api(companyId, 'POST', '/deactivate');
    expect(off.body).toMatchObject({ status: 'INACTIVE', tokenStored: false });
    expect(
      await schema.query('SELECT token_ciphertext FROM integrations WHERE company_id = $1', [
        companyId,
      ]),
    ).toEqual([{ token_ciphertext: null }]);
    await eventually(() => {
      const inactive = configEvents(companyId).find((e) => e.status === 'INACTIVE');
      expect(inactive).toBeDefined();
      expect(inactive.tripletex.employeeToken).toBeUndefined();
    });
    await eventually(() =>
      expect(invoiceMethodEvents(companyId).at(-1)).toMatchObject({
        enabled: false,
        reason: expect.stringContaining('not active'),
      }),
    );

    const back = await api(companyId, 'POST', '/token', { employeeToken: tripletex.employeeToken });
    expect(back.body.integration).toMatchObject({ status: 'ACTIVE', tokenStored: true });
    await eventually(() =>
      expect(configEvents(companyId).at(-1)).toMatchObject({
        status: 'ACTIVE',
        tripletex: { employeeToken: expect.any(Object) },
      }),
    );
  });

  it('marks the integration as needing attention when a service reports that Tripletex refused the token', async () => {
    const { companyId, tripletex } = await newCompany();
    await completeWizard(companyId, tripletex, false);
    await api(companyId, 'POST', '/finish');
    await sandbox.revokeEmployeeToken(tripletex.employeeToken);
    await kafka.produce(Topics.TripletexAuthFailedV1, [
      {
        key: companyId,
        value: {
          eventId: randomUUID(),
          schemaVersion: 1,
          companyId,
          service: 'sales-export',
          message: '401 from Tripletex',
          failedAt: new Date().toISOString(),
        },
      },
    ]);
    await eventually(
      async () =>
        expect((await api(companyId, 'GET', '')).body).toMatchObject({
          status: 'NEEDS_ATTENTION',
          statusReason: expect.stringContaining('did not accept the token'),
        }),
      { timeoutMs: 30_000 },
    );
    await eventually(() =>
      expect(configEvents(companyId).at(-1)).toMatchObject({
        status: 'NEEDS_ATTENTION',
        statusReason: expect.any(String),
      }),
    );
  });
});

describe('answers to what goes wrong', () => {
  it('refuses a bad token in plain words and stores nothing', async () => {
    const companyId = uniqueName('co');
    const answer = await api(companyId, 'POST', '/token', { employeeToken: 'this-is-not-a-token' });
    expect(answer).toMatchObject({
      status: 422,
      body: {
        code: 'ONBOARDING.TOKEN_INVALID',
        message: expect.stringContaining('did not accept the token'),
      },
    });
    expect((await api(companyId, 'GET', '')).status).toBe(404);
  });

  it('refuses an expired token the same way', async () => {
    const { companyId, tripletex } = await newCompany({ employeeTokenExpiresOn: '2020-01-01' });
    const answer = await api(companyId, 'POST', '/token', {
      employeeToken: tripletex.employeeToken,
    });
    expect(answer).toMatchObject({ status: 422, body: { code: 'ONBOARDING.TOKEN_INVALID' } });
  });

  it('warns about a missing bank account number and refuses invoicing until there is one', async () => {
    const { companyId, tripletex } = await newCompany({ bankAccountNumber: null });
    const verified = await api(companyId, 'POST', '/token', {
      employeeToken: tripletex.employeeToken,
    });
    expect(verified.status).toBe(200);
    expect(verified.body.integration.bankAccountRegistered).toBe(false);
    expect(verified.body.warnings).toEqual([
      {
        code: 'NO_BANK_ACCOUNT',
        message: expect.stringContaining(
          "Invoices can't be generated until a bank account number is registered in Tripletex",
        ),
      },
    ]);
    const invoicing = await api(companyId, 'PUT', '/invoicing', { enabled: true });
    expect(invoicing).toMatchObject({
      status: 422,
      body: {
        code: 'ONBOARDING.NO_BANK_ACCOUNT',
        message: expect.stringContaining("Invoices can't be generated"),
      },
    });
    expect((await api(companyId, 'PUT', '/invoicing', { enabled: false })).status).toBe(200);
  });

  it('refuses to finish with unknown, inactive and VAT-locked accounts, naming each culprit', async () => {
    const { companyId, tripletex } = await newCompany();
    const ids = await completeWizard(companyId, tripletex, false);
    // An account deactivated in Tripletex after it was chosen.
    const client = new TripletexClient({
      baseUrl: sandbox.apiUrl,
      consumerToken: sandbox.consumerToken,
    });
    await client
      .company({ key: 'admin', employeeToken: tripletex.employeeToken })
      .updateAccount(ids[1909], { isInactive: true });
    client.close();
    await api(companyId, 'PUT', '/payment-methods', {
      paymentMethods: [
        { paymentMethodId: 'cash', name: 'Kontant', accountId: ids[1900] },
        { paymentMethodId: 'card', name: 'Bankkort', accountId: 987654321 },
        { paymentMethodId: 'vipps', name: 'Vipps', accountId: null },
      ],
    });
    await api(companyId, 'PUT', '/product-groups-takeaway', {
      productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3000] }],
    });
    const answer = await api(companyId, 'POST', '/finish');
    expect(answer).toMatchObject({ status: 422, body: { code: 'ONBOARDING.INCOMPLETE' } });
    const problems = answer.body.details.problems.map((p: any) => [
      p.step,
      p.posId,
      p.accountNumber ?? null,
      p.code,
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['payment-methods', 'vipps', null, 'ACCOUNT_MISSING'],
        ['payment-methods', 'card', null, 'ACCOUNT_UNKNOWN'],
        ['other-events', 'CASH_DIFFERENCE', 1909, 'ACCOUNT_INACTIVE'],
        ['product-groups-takeaway', 'food', 3000, 'ACCOUNT_VAT_LOCKED'],
      ]),
    );
    expect(problems).toHaveLength(4);
    expect((await api(companyId, 'GET', '')).body.status).toBe('ONBOARDING');
  });

  it('lets a company see and change only its own integration', async () => {
    const a = await newCompany();
    const b = await newCompany();
    await api(b.companyId, 'POST', '/token', { employeeToken: b.tripletex.employeeToken });
    expect((await api(b.companyId, 'GET', '', undefined, a.companyId)).status).toBe(403);
    expect((await api(b.companyId, 'POST', '/deactivate', undefined, a.companyId)).status).toBe(
      403,
    );
    expect((await api(b.companyId, 'GET', '', undefined, '')).status).toBe(401);
    const forged = await fetch(`${onboarding.url}/v1/companies/${b.companyId}/tripletex`, {
      headers: {
        authorization: `Bearer ${backOfficeJwt('another-secret-another-secret-12345', b.companyId)}`,
      },
    });
    expect(forged.status).toBe(401);
    const expired = await fetch(`${onboarding.url}/v1/companies/${b.companyId}/tripletex`, {
      headers: {
        authorization: `Bearer ${backOfficeJwt(jwtSecret, b.companyId, { expiresInSeconds: -10 })}`,
      },
    });
    expect(await expired.json()).toMatchObject({ statusCode: 401, code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('answers bad input with 400 and a message per field, never a 500', async () => {
    const { companyId, tripletex } = await newCompany();
    await api(companyId, 'POST', '/token', { employeeToken: tripletex.employeeToken });
    const bad = await api(companyId, 'PUT', '/start-date', {
      startDate: '2026-13-01',
      dayCutoffHour: 'four',
      extra: true,
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'dayCutoffHour',
      'extra',
      'startDate',
    ]);
    const future = await api(companyId, 'PUT', '/start-date', { startDate: '2999-01-01' });
    expect(future).toMatchObject({
      status: 400,
      body: { code: 'ONBOARDING.START_DATE_IN_FUTURE' },
    });
    const nested = await api(companyId, 'PUT', '/payment-methods', {
      paymentMethods: [{ paymentMethodId: 'a b', name: '', accountId: -1 }],
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'paymentMethods[0].accountId',
      'paymentMethods[0].name',
      'paymentMethods[0].paymentMethodId',
    ]);
    const invoiceMapped = await api(companyId, 'PUT', '/payment-methods', {
      paymentMethods: [
        { paymentMethodId: 'inv', name: 'Faktura', method: 'INVOICE', accountId: 5 },
      ],
    });
    expect(invoiceMapped).toMatchObject({
      status: 422,
      body: { code: 'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT' },
    });
    const notJson = await fetch(
      `${onboarding.url}/v1/companies/${companyId}/tripletex/start-date`,
      {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${backOfficeJwt(jwtSecret, companyId)}`,
        },
        body: '{"startDate": ',
      },
    );
    expect(notJson.status).toBe(400);
    const stepsFirst = await api(uniqueName('co'), 'PUT', '/start-date', {
      startDate: '2026-11-01',
    });
    expect(stepsFirst).toMatchObject({ status: 404, body: { code: 'ONBOARDING.NOT_FOUND' } });
  });

  it('documents the API with OpenAPI at /docs', async () => {
    const res = await fetch(`${onboarding.url}/docs/openapi.json`);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/companies/{companyId}/tripletex/token',
        '/v1/companies/{companyId}/tripletex/finish',
      ]),
    );
  });
});

describe('the employee token at rest', () => {
  it('is never readable in the database, the events or any log line of the suite', async () => {
    const everything = [
      JSON.stringify(await schema.query('SELECT * FROM integrations')),
      JSON.stringify(await schema.query('SELECT * FROM outbox_messages')),
      events.messages.map((m) => m.value?.toString() ?? '').join('\n'),
      onboarding.stdout,
      onboarding.stderr,
    ].join('\n');
    expect(onboarding.stdout.length).toBeGreaterThan(1000); // the logs were captured (debug level)
    expect(tokensUsed.length).toBeGreaterThan(5);
    for (const token of tokensUsed) expect(everything).not.toContain(token);
    expect(everything).not.toContain(secrets.AUTH_JWT_SECRET);
    expect(everything).not.toContain(secrets.ENCRYPTION_KEYS.split(':')[1]);
  });
});
