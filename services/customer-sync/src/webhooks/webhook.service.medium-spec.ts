import { AppError, SecretBindings } from '@pos-tripletex/platform';
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
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
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
  return signed(company, rawBody, randomUUID());
}

/** `rawBody` delivered with the company's secret header and signed with its HMAC secret. */
async function signed(
  company: ActivatedCompany,
  rawBody: string,
  idempotencyKey: string,
): Promise<WebhookCall> {
  const state = await company.state();
  const hmac = medium.box.open(
    state.webhookSecrets!.hmac,
    SecretBindings.webhookHmac(company.companyId),
  );
  return {
    companyId: company.companyId,
    rawBody,
    body: JSON.parse(rawBody),
    idempotencyKey,
    signature: createHmac('sha512', hmac).update(`${idempotencyKey}&${rawBody}`).digest('base64'),
    secret: medium.box.open(
      state.webhookSecrets!.authHeader,
      SecretBindings.webhookAuthHeader(company.companyId),
    ),
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

  it('answers every unauthenticated call with one and the same 401, and changes nothing', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    const valid = await delivery(company, 'customer.delete', first.customer_id);
    const notSubscribed = await activatedCompany(medium, { active: 1 });
    const oldSubscription = JSON.stringify({
      ...(JSON.parse(valid.rawBody) as object),
      subscriptionId: 999_999,
    });

    const calls: Record<string, WebhookCall> = {
      'no secret header': { ...valid, secret: undefined },
      'a wrong secret': { ...valid, secret: 'guess' },
      'a forged signature': { ...valid, signature: 'forged' },
      'no signature': { ...valid, signature: undefined },
      'no idempotency key': { ...valid, idempotencyKey: undefined },
      // Signed for another body than the one that came.
      'another body': { ...valid, rawBody: valid.rawBody.replace('"value":null', '"value":{}') },
      'an unknown company id': { ...valid, companyId: `${company.companyId}_unknown` },
      'a company without subscriptions': { ...valid, companyId: notSubscribed.companyId },
      // Authentic – our secrets, Tripletex's signature – but of a subscription we no longer have.
      'an old subscription': await signed(company, oldSubscription, valid.idempotencyKey!),
    };
    const answers: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(calls))
      answers[name] = await webhooks.receive(call).then(
        () => 'accepted',
        (error: AppError) => ({
          status: error.httpStatus,
          code: error.code,
          message: error.message,
        }),
      );
    const refused = {
      status: 401,
      code: 'CUSTOMER_SYNC.WEBHOOK_REFUSED',
      message: 'The webhook call is not authentic.',
    };
    expect(answers).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, refused])));

    expect((await customersOf(company.companyId)).every((customer) => !customer.deleted)).toBe(
      true,
    );
    expect(
      await medium.schema.query('SELECT 1 FROM webhook_deliveries WHERE company_id = $1', [
        company.companyId,
      ]),
    ).toEqual([]);
  });

  it('answers the same 401 when the company’s secrets do not open (a key gone from the ring, or a secret in another’s place)', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    const valid = await delivery(company, 'customer.update', first.customer_id);
    const refused = {
      code: 'CUSTOMER_SYNC.WEBHOOK_REFUSED',
      message: 'The webhook call is not authentic.',
    };

    // The auth header's secret sealed where the HMAC secret belongs: bound to another purpose.
    await medium.schema.query(
      `UPDATE sync_states SET webhook_secrets = jsonb_build_object(
         'authHeader', webhook_secrets->'hmac', 'hmac', webhook_secrets->'authHeader')
       WHERE company_id = $1`,
      [company.companyId],
    );
    await expect(webhooks.receive(valid)).rejects.toMatchObject(refused);

    // Sealed with a key this instance's ring does not hold: no key id in the answer.
    await medium.schema.query(
      `UPDATE sync_states SET webhook_secrets = jsonb_set(webhook_secrets, '{authHeader,keyId}', '"retired-key"')
       WHERE company_id = $1`,
      [company.companyId],
    );
    const error = (await webhooks.receive(valid).catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject(refused);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('retired-key');
  });

  it('applies a delivery once: the same idempotency key again changes nothing', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    await medium.sandbox.operator(
      'POST',
      `companies/${company.tripletex.companyId}/customers/${first.customer_id}/delete`,
    );
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

  it('lets a replayed old delete, its key long forgotten, delete nothing Tripletex still has', async () => {
    const company = await subscribedCompany();
    const [first] = await customersOf(company.companyId);
    const old = await delivery(company, 'customer.delete', first.customer_id);
    // Its idempotency key was applied once and then forgotten (older than the kept window).
    await medium.schema.query(
      `INSERT INTO webhook_deliveries (company_id, idempotency_key, received_at)
       VALUES ($1, $2, now() - interval '8 days')`,
      [company.companyId, old.idempotencyKey],
    );
    await medium.get(WebhookDeliveriesRepository).forgetOld();

    // Only a pointer: the customer is read again, and Tripletex still has it.
    expect(await webhooks.receive(old)).toEqual({ applied: true });
    expect((await customersOf(company.companyId))[0]).toMatchObject({
      customer_id: first.customer_id,
      deleted: false,
    });
    expect(
      (await outboxOf(medium, Topics.CustomersChangedV1, company.companyId)).filter(
        (event) => event.value === null,
      ),
    ).toEqual([]);
  });
});
