import { readFileSync } from 'node:fs';
import { SecretBindings } from '@pos-tripletex/platform';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Topics } from '@pos-tripletex/contracts';
import {
  backOfficeJwt,
  Collector,
  describeFlow,
  eventually,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';
import {
  aConnectedCompany,
  accountIds,
  CARD_CLEARING,
  WIZARD_ROUTES,
  wizardAnswers,
  WizardAnswers,
} from './support/wizard-answers';

// The BackOffice wizard as a whole process: onboarding over HTTP (auth, validation, OpenAPI),
// its events on Kafka, an auth-failed report consumed from Kafka, and its logs. Each step's
// decisions are medium tests beside the code (src/wizard, src/reverification).

describeFlow(
  'onboarding as a process',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'onboarding_wizard',
    env: () => ({ REVERIFY_POLL_SECONDS: '1', LOG_LEVEL: 'debug' }),
  },
  (flow) => {
    let events: Collector;
    const tokensUsed: string[] = [];

    beforeAll(async () => {
      events = await flow().sut.kafka.collect([
        Topics.IntegrationConfigV1,
        Topics.InvoicePaymentMethodV1,
      ]);
    });

    /** A BackOffice call to the company's integration (`path` below `/tripletex`). */
    const api = (companyId: string, method: string, path: string, body?: unknown) =>
      flow().api(companyId, method, `/v1/companies/${companyId}/tripletex${path}`, body);

    /** The same call with another company's JWT, or none (''). */
    const asCompany = (jwtCompany: string, companyId: string, method: string, path = '') =>
      fetch(`${flow().sut.url}/v1/companies/${companyId}/tripletex${path}`, {
        method,
        headers: jwtCompany
          ? { authorization: `Bearer ${backOfficeJwt(flow().sut.jwtSecret, jwtCompany)}` }
          : {},
      });

    async function newCompany() {
      const company = await aConnectedCompany(flow().sut.sandbox);
      tokensUsed.push(company.tripletex.employeeToken);
      return company;
    }

    const configEvents = (companyId: string) =>
      events.messages
        .filter((m) => m.topic === Topics.IntegrationConfigV1 && m.key === companyId)
        .map((m) => JSON.parse(m.value!.toString()));
    const invoiceMethodEvents = (companyId: string) =>
      events.messages
        .filter((m) => m.topic === Topics.InvoicePaymentMethodV1 && m.key === companyId)
        .map((m) => JSON.parse(m.value!.toString()));

    /** Steps 1–7 over HTTP, with a fresh company's accounts plus a card-clearing one created. */
    async function completeWizard(
      companyId: string,
      tripletex: SandboxCompany,
      invoicing = true,
    ): Promise<Record<number, number>> {
      const { employeeToken } = tripletex;
      expect((await api(companyId, 'POST', '/token', { employeeToken })).status).toBe(200);
      const created = await api(companyId, 'POST', '/accounts', CARD_CLEARING);
      expect(created).toMatchObject({ status: 201, body: CARD_CLEARING });
      const ids = await accountIds(flow().sut.sandbox, tripletex);
      const answers = wizardAnswers(ids, invoicing);
      for (const step of Object.keys(WIZARD_ROUTES) as (keyof WizardAnswers)[]) {
        const path = WIZARD_ROUTES[step];
        const answer = await api(companyId, 'PUT', path, answers[step]);
        expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 200 });
      }
      return ids;
    }

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
          expect.arrayContaining([
            expect.objectContaining({ id: 32, number: '33', percentage: 12 }),
          ]),
        );

        // Resumable: everything saved so far is there when BackOffice comes back.
        const ids = await completeWizard(companyId, tripletex);
        const resumed = await api(companyId, 'GET', '');
        expect(resumed.body).toMatchObject({
          status: 'ONBOARDING',
          nextStep: 'finish',
          startDate: '2026-11-01',
        });
        // Read back as written: each method's kind, and the Invoice method (which has no account).
        expect(
          resumed.body.paymentMethods.map(
            (m: { paymentMethodId: string; method: string | null; accountId: number | null }) => [
              m.paymentMethodId,
              m.method,
              m.accountId,
            ],
          ),
        ).toEqual([
          ['cash', 'CASH', ids[1900]],
          ['card', 'CARD', ids[1921]],
          ['vipps', 'VIPPS', ids[1921]],
          ['invoice', 'INVOICE', null],
        ]);

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
        expect(
          flow().sut.box.open(
            config.tripletex.employeeToken,
            SecretBindings.tripletexToken(companyId),
          ),
        ).toBe(tripletex.employeeToken);

        await eventually(() =>
          expect(invoiceMethodEvents(companyId)).toEqual([
            expect.objectContaining({ enabled: true, collective: true, version: 1 }),
          ]),
        );
      });

      it('marks the integration as needing attention when a service reports that Tripletex refused the token', async () => {
        const { companyId, tripletex } = await newCompany();
        await completeWizard(companyId, tripletex, false);
        await api(companyId, 'POST', '/finish');
        await flow().sut.sandbox.revokeEmployeeToken(tripletex.employeeToken);
        await flow().sut.kafka.produce(Topics.TripletexAuthFailedV1, [
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
        const answer = await api(companyId, 'POST', '/token', {
          employeeToken: 'this-is-not-a-token',
        });
        expect(answer).toMatchObject({
          status: 422,
          body: {
            code: 'ONBOARDING.TOKEN_INVALID',
            message: expect.stringContaining('did not accept the token'),
          },
        });
        expect((await api(companyId, 'GET', '')).status).toBe(404);
      });

      it('lets a company see and change only its own integration', async () => {
        const a = await newCompany();
        const b = await newCompany();
        await api(b.companyId, 'POST', '/token', { employeeToken: b.tripletex.employeeToken });
        expect((await asCompany(a.companyId, b.companyId, 'GET')).status).toBe(403);
        expect((await asCompany(a.companyId, b.companyId, 'POST', '/deactivate')).status).toBe(403);
        expect((await asCompany('', b.companyId, 'GET')).status).toBe(401);
        const forged = await fetch(`${flow().sut.url}/v1/companies/${b.companyId}/tripletex`, {
          headers: {
            authorization: `Bearer ${backOfficeJwt('another-secret-another-secret-12345', b.companyId)}`,
          },
        });
        expect(forged.status).toBe(401);
        // Expired two minutes ago: beyond the clock skew tolerated (AUTH_JWT_CLOCK_SKEW_SECONDS, 30).
        const expired = await fetch(`${flow().sut.url}/v1/companies/${b.companyId}/tripletex`, {
          headers: {
            authorization: `Bearer ${backOfficeJwt(flow().sut.jwtSecret, b.companyId, { expiresInSeconds: -120 })}`,
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
        const nested = await api(companyId, 'PUT', '/payment-methods', {
          paymentMethods: [{ paymentMethodId: 'a b', name: '', accountId: -1 }],
        });
        expect(nested.status).toBe(400);
        expect(nested.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
          'paymentMethods[0].accountId',
          'paymentMethods[0].name',
          'paymentMethods[0].paymentMethodId',
        ]);
        // An empty body names what is missing, not a size it does not have.
        const empty = await api(companyId, 'PUT', '/payment-methods', {});
        expect(empty).toMatchObject({
          status: 400,
          body: {
            code: 'VALIDATION_FAILED',
            errors: [
              {
                field: 'paymentMethods',
                messages: [
                  'paymentMethods is required: a list of payment methods (an empty list [] for none)',
                ],
              },
            ],
          },
        });
        const notJson = await fetch(
          `${flow().sut.url}/v1/companies/${companyId}/tripletex/start-date`,
          {
            method: 'PUT',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${backOfficeJwt(flow().sut.jwtSecret, companyId)}`,
            },
            body: '{"startDate": ',
          },
        );
        expect(notJson.status).toBe(400);
      });

      it('documents the API with OpenAPI at /docs on the admin listener', async () => {
        const res = await fetch(`${flow().sut.adminUrl}/docs/openapi.json`);
        const doc = (await res.json()) as { paths: Record<string, unknown> };
        expect(Object.keys(doc.paths)).toEqual(
          expect.arrayContaining([
            '/v1/companies/{companyId}/tripletex/token',
            '/v1/companies/{companyId}/tripletex/finish',
            '/v1/companies/{companyId}/tripletex/reverify',
            '/v1/companies/{companyId}/tripletex/accounts',
          ]),
        );
        // The running service serves exactly the committed document (built without starting
        // anything, in Nest's preview mode): what BackOffice teams generate from is what runs.
        const committed = JSON.parse(
          readFileSync(join(__dirname, '../openapi.json'), 'utf8'),
        ) as unknown;
        expect(doc).toEqual(committed);
      });
    });

    describe('the employee token at rest', () => {
      it('is never readable in the database, the events or any log line of the suite', async () => {
        const { schema, service, env } = flow().sut;
        const everything = [
          JSON.stringify(await schema.query('SELECT * FROM integrations')),
          JSON.stringify(await schema.query('SELECT * FROM outbox_messages')),
          events.messages.map((m) => m.value?.toString() ?? '').join('\n'),
          service.stdout,
          service.stderr,
        ].join('\n');
        expect(service.stdout.length).toBeGreaterThan(1000); // the logs were captured (debug level)
        // Every company of the suite (the step decisions' tokens are the medium tests' to check).
        expect(tokensUsed.length).toBeGreaterThanOrEqual(5);
        for (const token of tokensUsed) expect(everything).not.toContain(token);
        expect(everything).not.toContain(env.AUTH_JWT_SECRET);
        expect(everything).not.toContain(env.ENCRYPTION_KEYS.split(':')[1]);
      });
    });
  },
);
