import { SecretBindings } from '@pos-tripletex/platform';
import { Topics } from '@pos-tripletex/contracts';
import { eventually, MediumTest } from '@pos-tripletex/testing';
import { TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { createHmac, randomUUID } from 'node:crypto';
import {
  ActivatedCompany,
  activatedCompany,
  applySettings,
  heldLease,
  outboxOf,
  startCustomerSync,
  workerTurn,
} from '../../test/support/in-process-sync';
import { WebhookService } from '../webhooks/webhook.service';
import { FullSyncStatuses, WebhookStatuses } from './entities/sync-state.entity';
import { SyncService, SyncTurn } from './sync.service';

// Customers arrive without webhooks, and webhooks recover: customer-sync in-process over real
// PostgreSQL and the broker, against a sandbox as strict as Tripletex (https webhook targets only;
// our target here is http, so it is refused unless a test allows its host).

let medium: MediumTest;
let sync: SyncService;

beforeAll(async () => {
  medium = await startCustomerSync('customer_sync_subscriptions', {
    env: { CHANGED_SINCE_INTERVAL_SECONDS: '5', WEBHOOK_CHECK_INTERVAL_SECONDS: '1' },
    sandboxEnv: { SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: '' },
  });
  sync = medium.get(SyncService);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await medium.sandbox.setControls({
    webhookAllowHttpHosts: [],
    webhookRetryDelaysMs: [500, 2000, 5000, 15000],
    webhookDisableAfterFailures: 20,
  });
});

afterAll(async () => {
  await medium?.stop();
});

const mirrored = (companyId: string) =>
  medium.schema.query<{ customer_id: number; name: string; version: number; deleted: boolean }>(
    `SELECT customer_id::float8 AS customer_id, name, version, deleted_at IS NOT NULL AS deleted
     FROM customers WHERE company_id = $1 ORDER BY name`,
    [companyId],
  );

const subscriptionsIn = async (company: ActivatedCompany) =>
  (
    await medium.sandbox.ledger<{ subscriptions: { id: number; status: string }[] }>(
      company.tripletex.companyId,
    )
  ).subscriptions;

/**
 * Pauses the sync after its first real `GET /customer` answer (the HTTP call is made; only its
 * return is held), so a test can change things while the sync holds a copy it read earlier.
 */
function holdFirstCustomerPage() {
  const real = TripletexCompanyClient.prototype.listCustomers;
  let reached!: () => void;
  let release!: () => void;
  const isReached = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  jest.spyOn(TripletexCompanyClient.prototype, 'listCustomers').mockImplementation(async function (
    this: TripletexCompanyClient,
    ...args
  ) {
    calls += 1;
    const page = await real.apply(this, args);
    if (calls === 1) {
      reached();
      await released;
    }
    return page;
  });
  return { reached: isReached, release, calls: () => calls };
}

/** A delivery as Tripletex makes it: our secret header, HMAC-SHA512 over `key&body`. */
async function signedDelivery(
  company: ActivatedCompany,
  event: 'customer.update' | 'customer.delete',
  customerId: number,
) {
  const state = await company.state();
  const rawBody = JSON.stringify({
    subscriptionId: state.subscriptionIds[event],
    event,
    id: customerId,
    value: null,
  });
  const idempotencyKey = randomUUID();
  const hmac = medium.box.open(
    state.webhookSecrets!.hmac,
    SecretBindings.webhookHmac(company.companyId),
  );
  return {
    companyId: company.companyId,
    rawBody,
    body: JSON.parse(rawBody) as unknown,
    idempotencyKey,
    signature: createHmac('sha512', hmac).update(`${idempotencyKey}&${rawBody}`).digest('base64'),
    secret: medium.box.open(
      state.webhookSecrets!.authHeader,
      SecretBindings.webhookAuthHeader(company.companyId),
    ),
  };
}

describe('webhook subscriptions and the syncs', () => {
  it('lists every customer of a company whose subscription Tripletex refused (http target), and keeps polling', async () => {
    const company = await activatedCompany(medium, { active: 25, inactive: 2 });

    expect(await workerTurn(medium, company.companyId)).toEqual({
      kind: 'subscribe',
      outcome: 'failed',
    });
    const refused = await company.state();
    expect(refused).toMatchObject({
      webhookStatus: WebhookStatuses.REFUSED,
      needsSubscription: true,
      // The sync itself is not held back.
      failures: 0,
      retryAt: null,
    });
    expect(refused.webhookDetail).toContain('URL-en må bruke https.');
    expect(refused.webhookRetryAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await subscriptionsIn(company)).toEqual([]);

    // The worker's next claim runs the full sync at once (pages of 10: 3 + 1 inactive).
    expect(await workerTurn(medium, company.companyId)).toEqual({ kind: 'full', outcome: 'ok' });
    expect(await sync.status(company.companyId)).toMatchObject({
      customers: 27,
      fullSync: { status: FullSyncStatuses.DONE },
      webhooks: { enabled: true, status: 'REFUSED', subscribed: false },
    });

    // Polling keeps the list current without webhooks.
    await medium.sandbox.addCustomers(company.tripletex.companyId, [
      { name: 'Kommer Uten Varsel AS' },
    ]);
    await eventually(
      async () => {
        expect(await workerTurn(medium, company.companyId)).toEqual({
          kind: 'changed-since',
          outcome: 'ok',
        });
      },
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect((await mirrored(company.companyId)).map((c) => c.name)).toContain(
      'Kommer Uten Varsel AS',
    );
  });

  it('re-enables a subscription Tripletex disabled after too many errors, while polling kept the list current', async () => {
    await medium.sandbox.setControls({
      webhookAllowHttpHosts: ['127.0.0.1'],
      webhookRetryDelaysMs: [20, 20],
      webhookDisableAfterFailures: 3,
    });
    const company = await activatedCompany(medium, { active: 3 });
    expect(await workerTurn(medium, company.companyId)).toEqual({
      kind: 'subscribe',
      outcome: 'ok',
    });
    expect(await workerTurn(medium, company.companyId)).toEqual({ kind: 'full', outcome: 'ok' });
    expect((await company.state()).webhookStatus).toBe(WebhookStatuses.ACTIVE);

    // Nothing listens at our target: each attempt fails, and Tripletex disables the subscription.
    await medium.sandbox.addCustomers(company.tripletex.companyId, [{ name: 'Under Utfall AS' }]);
    await eventually(async () =>
      expect((await subscriptionsIn(company)).map((s) => s.status)).toContain(
        'DISABLED_TOO_MANY_ERRORS',
      ),
    );

    const turns: (SyncTurn | null)[] = [];
    await eventually(
      async () => {
        turns.push(await workerTurn(medium, company.companyId));
        expect(turns).toContainEqual({ kind: 'check-webhooks', outcome: 'ok' });
        expect((await mirrored(company.companyId)).map((c) => c.name)).toContain('Under Utfall AS');
      },
      { timeoutMs: 20_000, intervalMs: 300 },
    );
    const state = await company.state();
    expect(state).toMatchObject({ webhookStatus: WebhookStatuses.ACTIVE, webhookRetryAt: null });
    expect(state.webhookDetail).toMatch(/re-enabled .*customer\.create DISABLED_TOO_MANY_ERRORS/);
    // Re-enabled in Tripletex (PUT with status ACTIVE); it delivers again from here on.
    const statuses = (await subscriptionsIn(company)).map((s) => s.status);
    expect(statuses).toHaveLength(3);
    expect(statuses.every((status) => status === 'ACTIVE')).toBe(true);
  });

  it('stops a full sync when the integration is deactivated mid-page: nothing more is written, the pick list empties, the subscriptions go', async () => {
    await medium.sandbox.setControls({ webhookAllowHttpHosts: ['127.0.0.1'] });
    const company = await activatedCompany(medium, { active: 25 });
    expect(await workerTurn(medium, company.companyId)).toEqual({
      kind: 'subscribe',
      outcome: 'ok',
    });
    await sync.fullSync(await company.state(), { pages: 1 }); // 10 customers in the pick list
    const held = holdFirstCustomerPage();

    const running = sync.takeTurn(company.companyId, heldLease);
    await held.reached; // page 2 read, not yet written
    await applySettings(medium, company.companyId, company.tripletex, {
      version: 2,
      status: 'INACTIVE',
    });
    held.release();

    expect(await running).toEqual({ kind: 'full', outcome: 'stopped' });
    expect(held.calls()).toBe(1); // no Tripletex call after the deactivation
    expect(await mirrored(company.companyId)).toHaveLength(10); // page 2 was not written
    expect(await sync.status(company.companyId)).toMatchObject({
      active: false,
      customers: 0,
      fullSync: { status: FullSyncStatuses.IDLE, pagesDone: 1 },
      webhooks: { status: 'DELETING' },
      lastError: null,
    });
    // customers.changed.v1: the 10 published, then a tombstone for each.
    const events = await outboxOf(medium, Topics.CustomersChangedV1, company.companyId);
    expect(events.slice(0, 10).every((event) => event.value !== null)).toBe(true);
    expect(events.slice(10).map((event) => event.value)).toEqual(Array(10).fill(null));
    expect(new Set(events.slice(10).map((event) => event.key))).toEqual(
      new Set(events.slice(0, 10).map((event) => event.key)),
    );

    expect(await workerTurn(medium, company.companyId)).toEqual({
      kind: 'unsubscribe',
      outcome: 'ok',
    });
    expect(await subscriptionsIn(company)).toEqual([]);
    expect(await company.state()).toMatchObject({
      webhookStatus: WebhookStatuses.NONE,
      tokenCiphertext: null,
      webhookSecrets: null,
    });
    expect(await workerTurn(medium, company.companyId)).toBeNull(); // nothing uses the token again
  });

  it('never lets a running sync overwrite a newer webhook update, or bring back a customer deleted meanwhile', async () => {
    await medium.sandbox.setControls({ webhookAllowHttpHosts: ['127.0.0.1'] });
    const company = await activatedCompany(medium, { active: 3 });
    expect(await workerTurn(medium, company.companyId)).toEqual({
      kind: 'subscribe',
      outcome: 'ok',
    });
    await sync.fullSync(await company.state());
    const [first, second] = await mirrored(company.companyId);
    await sync.requestFullSync(company.companyId); // the nightly reconciliation, say
    const held = holdFirstCustomerPage();

    const running = sync.takeTurn(company.companyId, heldLease);
    await held.reached; // the sync holds version 1 of every customer
    await medium.sandbox.editCustomer(company.tripletex.companyId, first.customer_id, {
      name: 'Nyere Navn AS',
    });
    await medium.sandbox.operator(
      'POST',
      `companies/${company.tripletex.companyId}/customers/${second.customer_id}/delete`,
    );
    const webhooks = medium.get(WebhookService);
    for (const [event, id] of [
      ['customer.update', first.customer_id],
      ['customer.delete', second.customer_id],
    ] as const)
      expect(await webhooks.receive(await signedDelivery(company, event, id))).toEqual({
        applied: true,
      });
    held.release();

    expect(await running).toEqual({ kind: 'full', outcome: 'ok' });
    const after = await mirrored(company.companyId);
    expect(after.find((c) => c.customer_id === first.customer_id)).toMatchObject({
      name: 'Nyere Navn AS',
      version: 2,
      deleted: false,
    });
    expect(after.find((c) => c.customer_id === second.customer_id)).toMatchObject({
      deleted: true,
    });
    expect((await company.state()).fullSyncStatus).toBe(FullSyncStatuses.DONE);
    // The last event for each is the newer truth: version 2, and a tombstone.
    const events = await outboxOf(medium, Topics.CustomersChangedV1, company.companyId);
    const last = (id: number) =>
      events.filter((event) => event.key === `${company.companyId}:${id}`).at(-1)!.value;
    expect(JSON.parse(last(first.customer_id)!)).toMatchObject({
      name: 'Nyere Navn AS',
      version: 2,
    });
    expect(last(second.customer_id)).toBeNull();
  });
});
