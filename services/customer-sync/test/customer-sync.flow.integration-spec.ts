import { join } from 'node:path';
import { Topics } from '@pos-tripletex/contracts';
import {
  Collector,
  describeFlow,
  eventually,
  Flow,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { TripletexClient } from '@pos-tripletex/tripletex';
import { createDataSource } from '../src/database/setup';

// Customers mirrored from Tripletex, as a whole process shows it: activation through Kafka,
// subscriptions and an initial sync over several pages, webhooks over HTTP, the changedSince timer,
// a 429 storm, tenant isolation, deactivation. customer-sync runs as its own process; Tripletex is
// the sandbox; Kafka and PostgreSQL are real. One use case's decisions (a full or incremental run,
// backoff, a refused token, verifying a delivery) are the medium specs beside the code.

describeFlow(
  'customer sync',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'customer_sync_flow',
    env: (port) => ({
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SYNC_PAGE_SIZE: '10',
      SYNC_POLL_SECONDS: '1',
      CHANGED_SINCE_INTERVAL_SECONDS: '5',
      WEBHOOK_SETTLE_MS: '300',
      WEBHOOK_CHECK_INTERVAL_SECONDS: '2',
      LOG_LEVEL: 'info',
    }),
  },
  (flow: () => Flow) => {
    let events: Collector;
    let configVersion = 0;

    beforeAll(async () => {
      events = await flow().sut.kafka.collect([Topics.CustomersChangedV1]);
    });

    /** integration.config.v1 for the company, as onboarding publishes it. */
    const activate = (
      companyId: string,
      tripletex: SandboxCompany,
      status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE',
    ) =>
      flow().settings(tripletex, {
        companyId,
        version: ++configVersion,
        status,
        startDate: '2026-11-01',
        mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
      });

    /** BackOffice's customers API of `companyId`, called as `asCompany` (its JWT). */
    const customersApi = (companyId: string, path = '', method = 'GET', asCompany = companyId) =>
      flow().api(asCompany, method, `/v1/companies/${companyId}/customers${path}`);

    const syncDone = (companyId: string, generation = 1) =>
      eventually(
        async () => {
          const status = await customersApi(companyId, '/sync-status');
          expect(status.body.fullSync).toMatchObject({ status: 'DONE', generation });
          return status.body;
        },
        { timeoutMs: 60_000 },
      );

    async function seeded(customers: number, inactive = 0) {
      const companyId = uniqueName('co');
      const company = await flow().sut.sandbox.createCompany({ name: `Kunder ${companyId}` });
      await flow().sut.sandbox.addCustomers(company.companyId, [
        ...Array.from({ length: customers }, (_, n) => ({
          name: `Kunde ${String(n).padStart(3, '0')}`,
          email: `k${n}@example.no`,
          organizationNumber: String(910000000 + n),
        })),
        ...Array.from({ length: inactive }, (_, n) => ({
          name: `Tidligere ${n}`,
          isInactive: true,
        })),
      ]);
      return { companyId, company };
    }

    it('syncs every customer of a new integration, page by page, active and inactive', async () => {
      const { companyId, company } = await seeded(35, 3);
      await activate(companyId, company);
      const status = await syncDone(companyId);
      expect(status).toMatchObject({ active: true, customers: 38, webhooks: { subscribed: true } });
      expect(status.fullSync.pagesDone).toBeGreaterThanOrEqual(5); // 4 pages of active customers, 1 of inactive
      const list = await customersApi(companyId, '?count=100');
      expect(list.body).toMatchObject({ total: 35, count: 35 });
      expect(list.body.values[0]).toMatchObject({
        name: 'Kunde 000',
        email: 'k0@example.no',
        isInactive: false,
      });
      expect((await customersApi(companyId, '?includeInactive=true&count=100')).body.total).toBe(
        38,
      );
      expect(
        (await customersApi(companyId, '?query=kunde 01&sort=-name')).body.values.map(
          (customer: any) => customer.name,
        ),
      ).toEqual(Array.from({ length: 10 }, (_, n) => `Kunde 01${9 - n}`));
      expect((await customersApi(companyId, '?organizationNumber=910000007')).body.values).toEqual([
        expect.objectContaining({ name: 'Kunde 007' }),
      ]);
      await eventually(() =>
        expect(
          events.messages.filter((message) => message.key?.startsWith(`${companyId}:`)),
        ).toHaveLength(38),
      );
      const one = events.messages.find((message) => message.key?.startsWith(`${companyId}:`))!;
      expect(JSON.parse(one.value!.toString())).toMatchObject({
        schemaVersion: 1,
        companyId,
        pickable: true,
        version: 1,
      });
      const subscriptions = (
        await flow().sut.sandbox.ledger<{ subscriptions: any[] }>(company.companyId)
      ).subscriptions;
      expect(subscriptions.map((subscription) => subscription.event).sort()).toEqual([
        'customer.create',
        'customer.delete',
        'customer.update',
      ]);
    });

    it('follows customers created, changed and deleted in Tripletex through webhooks within seconds', async () => {
      const { companyId, company } = await seeded(2);
      await activate(companyId, company);
      await syncDone(companyId);
      const [created] = await flow().sut.sandbox.addCustomers(company.companyId, [
        { name: 'Ny Gjest AS', email: 'ny@gjest.no' },
      ]);
      const byId = (id: number) => customersApi(companyId, `/${id}`);
      await eventually(
        async () => expect((await byId(created.id)).body).toMatchObject({ name: 'Ny Gjest AS' }),
        { timeoutMs: 5000 },
      );
      await flow().sut.sandbox.operator(
        'PUT',
        `companies/${company.companyId}/customers/${created.id}`,
        { name: 'Ny Gjest Endret AS' },
      );
      await eventually(
        async () =>
          expect((await byId(created.id)).body).toMatchObject({
            name: 'Ny Gjest Endret AS',
            version: 2,
          }),
        { timeoutMs: 5000 },
      );
      await flow().sut.sandbox.operator(
        'POST',
        `companies/${company.companyId}/customers/${created.id}/delete`,
      );
      await eventually(async () => expect((await byId(created.id)).status).toBe(404), {
        timeoutMs: 5000,
      });
      await eventually(() => {
        const forKey = events.messages.filter(
          (message) => message.key === `${companyId}:${created.id}`,
        );
        expect(forKey.at(-1)?.value).toBeNull(); // tombstone
      });
      // Deleted customers keep their history.
      expect(
        await flow().sut.schema.query(
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
        baseUrl: flow().sut.sandbox.apiUrl,
        consumerToken: flow().sut.sandbox.consumerToken,
      });
      const admin = client.company({ key: 'admin', employeeToken: company.employeeToken });
      for (const subscription of (await admin.listSubscriptions()).values ?? [])
        await admin.updateSubscription(subscription.id as number, { status: 'DISABLED' });
      const [customer] = (await admin.listCustomers({ customerName: 'Kunde 001' })).values ?? [];
      await admin.updateCustomer(customer.id as number, { name: 'Endret Uten Varsel AS' });
      client.close();
      await eventually(
        async () =>
          expect((await customersApi(companyId, `/${customer.id}`)).body.name).toBe(
            'Endret Uten Varsel AS',
          ),
        { timeoutMs: 20_000 },
      );
    });

    it('re-enables subscriptions Tripletex disabled after too many errors: polling covers the outage, then webhooks flow again', async () => {
      const { sandbox, schema } = flow().sut;
      const { companyId, company } = await seeded(2);
      await activate(companyId, company);
      await syncDone(companyId);
      const delivered = async () =>
        Number(
          (
            await schema.query<{ n: string }>(
              'SELECT count(*) AS n FROM webhook_deliveries WHERE company_id = $1',
              [companyId],
            )
          )[0].n,
        );
      await sandbox.setControls({
        webhookRetryDelaysMs: [20, 20],
        webhookDisableAfterFailures: 3,
        webhookOutage: true,
      });
      try {
        // Our endpoint is unreachable: Tripletex gives up on the delivery and disables it.
        const [lost] = await sandbox.addCustomers(company.companyId, [{ name: 'Under Utfall AS' }]);
        await eventually(
          async () => {
            const status = (await customersApi(companyId, '/sync-status')).body;
            expect(status.webhooks.detail).toContain('customer.create DISABLED_TOO_MANY_ERRORS');
          },
          { timeoutMs: 20_000 },
        );
        // The lost create reaches the list by polling.
        await eventually(
          async () =>
            expect((await customersApi(companyId, `/${lost.id}`)).body).toMatchObject({
              name: 'Under Utfall AS',
            }),
          { timeoutMs: 20_000 },
        );
      } finally {
        await sandbox.setControls({
          webhookRetryDelaysMs: [500, 2000, 5000, 15000],
          webhookDisableAfterFailures: 20,
          webhookOutage: false,
        });
      }
      await eventually(
        async () => {
          const subscriptions = (
            await sandbox.ledger<{ subscriptions: { status: string }[] }>(company.companyId)
          ).subscriptions;
          expect(subscriptions.map((subscription) => subscription.status)).toEqual([
            'ACTIVE',
            'ACTIVE',
            'ACTIVE',
          ]);
          expect((await customersApi(companyId, '/sync-status')).body.webhooks).toMatchObject({
            enabled: true,
            status: 'ACTIVE',
            subscribed: true,
          });
        },
        { timeoutMs: 20_000 },
      );
      const before = await delivered();
      const [created] = await sandbox.addCustomers(company.companyId, [
        { name: 'Igjen Varslet AS' },
      ]);
      await eventually(async () => {
        expect(await delivered()).toBeGreaterThan(before); // through the webhook
        expect((await customersApi(companyId, `/${created.id}`)).body.name).toBe(
          'Igjen Varslet AS',
        );
      });
    });

    // Which deliveries count (secret, signature, replays) is webhook.service.medium-spec; here the
    // HTTP answer Tripletex gets for one that does not.
    it('answers 401 to a webhook call without our secret header and signature', async () => {
      const { companyId, company } = await seeded(1);
      await activate(companyId, company);
      await syncDone(companyId);
      const res = await fetch(`${flow().sut.url}/v1/webhooks/tripletex/${companyId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
        body: JSON.stringify({ event: 'customer.delete', id: 1, value: null }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'CUSTOMER_SYNC.WEBHOOK_REFUSED' });
    });

    it('still completes an initial sync through a storm of 429s', async () => {
      const { sandbox } = flow().sut;
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
        const refused = (await sandbox.requests(company.companyId)).filter(
          (request) => request.status === 429,
        );
        expect(refused.length).toBeGreaterThanOrEqual(8);
      } finally {
        await sandbox.setControls({ rateLimit: { limit: 100000, windowSeconds: 3600 } });
      }
      expect((await customersApi(companyId, '?count=100')).body.total).toBe(60);
    });

    it('shows a company only its own customers', async () => {
      const mine = await seeded(2);
      const other = await seeded(2);
      await activate(mine.companyId, mine.company);
      await activate(other.companyId, other.company);
      await syncDone(mine.companyId);
      await syncDone(other.companyId);
      expect((await customersApi(other.companyId, '', 'GET', mine.companyId)).status).toBe(403);
      const ours = (await customersApi(mine.companyId)).body.values.map(
        (customer: any) => customer.customerId,
      );
      const theirs = (await customersApi(other.companyId)).body.values.map(
        (customer: any) => customer.customerId,
      );
      expect(ours.some((id: number) => theirs.includes(id))).toBe(false);
      expect((await customersApi(mine.companyId, `/${theirs[0]}`)).status).toBe(404);
    });

    it('stops serving and unsubscribes when the integration is deactivated; a resync can be requested', async () => {
      const { companyId, company } = await seeded(2);
      await activate(companyId, company);
      await syncDone(companyId);
      const resync = await customersApi(companyId, '/resync', 'POST');
      expect(resync).toMatchObject({
        status: 202,
        body: { fullSync: { status: 'PENDING', generation: 2 } },
      });
      await syncDone(companyId, 2);
      await activate(companyId, company, 'INACTIVE');
      await eventually(async () => expect((await customersApi(companyId)).status).toBe(409));
      // The pick list empties: the last event for each customer is a tombstone.
      await eventually(() => {
        const last = new Map<string, unknown>();
        for (const message of events.messages.filter((m) => m.key?.startsWith(`${companyId}:`)))
          last.set(message.key!, message.value);
        expect(last.size).toBe(2);
        expect([...last.values()]).toEqual([null, null]);
      });
      await eventually(
        async () =>
          expect(
            (await flow().sut.sandbox.ledger<{ subscriptions: any[] }>(company.companyId))
              .subscriptions,
          ).toEqual([]),
        { timeoutMs: 10_000 },
      );
    });
  },
);
