import { Topics } from '@pos-tripletex/contracts';
import { MediumTest } from '@pos-tripletex/testing';
import { createHmac, randomUUID } from 'node:crypto';
import {
  ActivatedCompany,
  activatedCompany,
  heldLease,
  outboxOf,
  startCustomerSync,
} from '../../test/support/in-process-sync';
import { SyncService } from '../sync/sync.service';
import { WebhookCall, WebhookService } from './webhook.service';

// WebhookService in-process: deliveries signed as Tripletex signs them, for a company subscribed
// (in the sandbox) and synced, over real PostgreSQL.

let medium: MediumTest;
let webhooks: WebhookService;

beforeAll(async () => {
  medium = await startCustomerSync('customer_sync_webhooks');
  webhooks = medium.get(WebhookService);
});

afterAll(async () => {
  await medium?.stop();
});

/** A company with two customers, subscribed to webhooks and synced. */
async function subscribedCompany(): Promise<ActivatedCompany> {
  const company = await activatedCompany(medium, { active: 2 });
  const sync = medium.get(SyncService);
  expect(await sync.takeTurn(company.companyId, heldLease)).toEqual({
    kind: 'subscribe',
    outcome: 'ok',
  });
  await sync.fullSync(await company.state());
  return company;
}

/** A delivery as Tripletex makes it: our secret header, HMAC-SHA512 over `key&body`. */
async function delivery(
  company: ActivatedCompany,
  event: 'customer.update' | 'customer.delete',
  customerId: number,
): Promise<WebhookCall> {
  const state = await company.state();
  const rawBody = JSON.stringify({
    subscriptionId: state.subscriptionIds[event],
    event,
    id: customerId,
    value: null,
  });
  const idempotencyKey = randomUUID();
  const hmac = medium.box.open(state.webhookSecrets!.hmac, company.companyId);
  return {
    companyId: company.companyId,
    rawBody,
    body: JSON.parse(rawBody),
    idempotencyKey,
    signature: createHmac('sha512', hmac).update(`${idempotencyKey}&${rawBody}`).digest('base64'),
    secret: medium.box.open(state.webhookSecrets!.authHeader, company.companyId),
  };
}

const customersOf = (companyId: string) =>
  medium.schema.query<{ customer_id: number; name: string; version: number; deleted: boolean }>(
    `SELECT customer_id::float8 AS customer_id, name, version, deleted_at IS NOT NULL AS deleted
     FROM customers WHERE company_id = $1 ORDER BY name`,
    [companyId],
  );

describe(WebhookService.name, () => {
  it('applies a valid delivery: the customer is read again and the mirror updated', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    await medium.sandbox.operator(
      'PUT',
      `companies/${company.tripletex.companyId}/customers/${first.customer_id}`,
      { name: 'Ny Gjest Endret AS' },
    );

    expect(
      await webhooks.receive(await delivery(company, 'customer.update', first.customer_id)),
    ).toEqual({ applied: true });

    expect((await customersOf(company.companyId))[1]).toMatchObject({
      customer_id: first.customer_id,
      name: 'Ny Gjest Endret AS',
      version: 2,
      deleted: false,
    });
    const events = await outboxOf(medium, Topics.CustomersChangedV1, company.companyId);
    expect(JSON.parse(events.at(-1)!.value!)).toMatchObject({
      customerId: first.customer_id,
      name: 'Ny Gjest Endret AS',
      version: 2,
    });
  });

  it('refuses a delivery without our secret or with a bad signature, and changes nothing', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    const valid = await delivery(company, 'customer.delete', first.customer_id);
    const refused = { code: 'CUSTOMER_SYNC.WEBHOOK_REFUSED', httpStatus: 401 };

    for (const forged of [
      { ...valid, secret: undefined },
      { ...valid, secret: 'guess' },
      { ...valid, signature: 'forged' },
      { ...valid, signature: undefined },
      { ...valid, idempotencyKey: undefined },
      // Signed for another body than the one that came.
      { ...valid, rawBody: valid.rawBody.replace('"value":null', '"value":{}') },
    ])
      await expect(webhooks.receive(forged)).rejects.toMatchObject(refused);
    await expect(
      webhooks.receive({ ...valid, companyId: `${company.companyId}_unknown` }),
    ).rejects.toMatchObject(refused);

    expect((await customersOf(company.companyId)).every((customer) => !customer.deleted)).toBe(
      true,
    );
    expect(
      await medium.schema.query('SELECT 1 FROM webhook_deliveries WHERE company_id = $1', [
        company.companyId,
      ]),
    ).toEqual([]);
  });

  it('ignores a replayed delivery: the same idempotency key applies once', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    const once = await delivery(company, 'customer.delete', first.customer_id);

    expect(await webhooks.receive(once)).toEqual({ applied: true });
    expect(await webhooks.receive(once)).toEqual({
      applied: false,
      reason: 'already applied (replayed idempotency key)',
    });

    expect((await customersOf(company.companyId))[0]).toMatchObject({
      customer_id: first.customer_id,
      deleted: true,
    });
    const tombstones = (
      await outboxOf(medium, Topics.CustomersChangedV1, company.companyId)
    ).filter((event) => event.value === null);
    expect(tombstones).toEqual([
      expect.objectContaining({ key: `${company.companyId}:${first.customer_id}` }),
    ]);
  });
});
