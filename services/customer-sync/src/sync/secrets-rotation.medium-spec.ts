import { Logger } from '@nestjs/common';
import { EncryptedSecret, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { aKey, MediumTest, sealLegacy } from '@pos-tripletex/testing';
import { CompanyClients, TripletexClient } from '@pos-tripletex/tripletex';
import { createHmac, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ActivatedCompany,
  activatedCompany,
  heldLease,
  startCustomerSync,
} from '../../test/support/in-process-sync';
import { CustomerSyncEnv } from '../config/env.schema';
import { CustomersRepository } from '../customers/customers.repository';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { WebhookService } from '../webhooks/webhook.service';
import { SyncSecretsRotation } from './secrets-rotation';
import { SyncRunLifecycle } from './sync-run.lifecycle';
import { SyncService } from './sync.service';

// Key rotation of what sync_states keeps sealed, in-process over real PostgreSQL and a sandbox:
// customer-sync runs with the ring {old, new} and `new` active, as after the README's second
// rotation step; the companies' secrets were sealed by an earlier key or release.

const OLD = aKey('old');
const NEW = aKey('new');

let medium: MediumTest;
let rotation: SyncSecretsRotation;

beforeAll(async () => {
  medium = await startCustomerSync('customer_sync_rotation', {
    env: {
      ENCRYPTION_KEYS: `${OLD},${NEW}`,
      ENCRYPTION_ACTIVE_KEY_ID: 'new',
      // Passes are taken by the tests.
      ENCRYPTION_RESEAL_INTERVAL_SECONDS: '86400',
    },
  });
  rotation = medium.get(SyncSecretsRotation);
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  await medium?.stop();
});

const oldBox = () => SecretBox.fromConfig(OLD, 'old');
const newOnly = () => SecretBox.fromConfig(NEW, 'new');

type Stored = { token: EncryptedSecret; authHeader: EncryptedSecret; hmac: EncryptedSecret };

/** The company's sealed secrets as stored. */
async function stored(companyId: string): Promise<Stored> {
  const [row] = await medium.schema.query<{
    token_key_id: string;
    token_ciphertext: string;
    webhook_secrets: { authHeader: EncryptedSecret; hmac: EncryptedSecret };
  }>(
    'SELECT token_key_id, token_ciphertext, webhook_secrets FROM sync_states WHERE company_id = $1',
    [companyId],
  );
  return {
    token: { keyId: row.token_key_id, value: row.token_ciphertext },
    ...row.webhook_secrets,
  };
}

/** The plaintexts, opened with `box`. */
function opened(box: SecretBox, companyId: string, secrets: Stored) {
  return {
    token: box.open(secrets.token, SecretBindings.tripletexToken(companyId)),
    authHeader: box.open(secrets.authHeader, SecretBindings.webhookAuthHeader(companyId)),
    hmac: box.open(secrets.hmac, SecretBindings.webhookHmac(companyId)),
  };
}

/** Stores the company's secrets sealed as `how` did: with the old key, or in the legacy format. */
async function sealedEarlier(company: ActivatedCompany, how: 'old key' | 'legacy format') {
  const plain = opened(medium.box, company.companyId, await stored(company.companyId));
  const seal = (value: string, binding: ReturnType<typeof SecretBindings.tripletexToken>) =>
    how === 'old key'
      ? oldBox().seal(value, binding)
      : sealLegacy(`${OLD},${NEW}`, 'new', value, company.companyId);
  const token = seal(plain.token, SecretBindings.tripletexToken(company.companyId));
  await medium.schema.query(
    `UPDATE sync_states SET token_key_id = $2, token_ciphertext = $3, webhook_secrets = $4::jsonb
     WHERE company_id = $1`,
    [
      company.companyId,
      token.keyId,
      token.value,
      JSON.stringify({
        authHeader: seal(plain.authHeader, SecretBindings.webhookAuthHeader(company.companyId)),
        hmac: seal(plain.hmac, SecretBindings.webhookHmac(company.companyId)),
      }),
    ],
  );
  return plain;
}

/** A company with one customer, subscribed to webhooks (in the sandbox) and synced. */
async function subscribedCompany(): Promise<ActivatedCompany> {
  const company = await activatedCompany(medium, { active: 1 });
  const sync = medium.get(SyncService);
  expect(await sync.takeTurn(company.companyId, heldLease)).toMatchObject({ kind: 'subscribe' });
  await sync.fullSync(await company.state());
  return company;
}

/** customer-sync's webhook verification and Tripletex client as a process with `box` would have them. */
function webhooksWith(box: SecretBox): WebhookService {
  return new WebhookService(
    medium.get(DataSource),
    medium.get(SyncRunLifecycle),
    medium.get(CustomersRepository),
    medium.get(WebhookDeliveriesRepository),
    new CompanyClients(medium.get(TripletexClient), box),
    box,
  );
}

describe(SyncSecretsRotation.name, () => {
  it('re-seals every stale secret with the active key, keeping its value: after the old key is gone, a webhook verifies and the token works', async () => {
    const byOldKey = await subscribedCompany();
    const legacy = await subscribedCompany();
    const plain = {
      [byOldKey.companyId]: await sealedEarlier(byOldKey, 'old key'),
      [legacy.companyId]: await sealedEarlier(legacy, 'legacy format'),
    };
    expect(await rotation.countStale()).toBeGreaterThanOrEqual(2);

    // Two instances at once: each row re-sealed once, by whichever locked it.
    const other = new SyncSecretsRotation(
      medium.get(SyncRunLifecycle),
      medium.get(SecretBox),
      medium.get(CustomerSyncEnv),
    );
    const [mine, theirs] = await Promise.all([rotation.pass(), other.pass()]);
    expect(mine + theirs).toBeGreaterThanOrEqual(2);
    expect(await rotation.countStale()).toBe(0);
    expect(await rotation.pass()).toBe(0);

    for (const company of [byOldKey, legacy]) {
      const secrets = await stored(company.companyId);
      expect(Object.values(secrets).map((secret) => secret.keyId)).toEqual(['new', 'new', 'new']);
      // The same values (Tripletex holds the webhook secrets): the old key is no longer needed.
      expect(opened(newOnly(), company.companyId, secrets)).toEqual(plain[company.companyId]);
    }

    // The ring without the old key: a change in Tripletex is delivered, verified and read again
    // with the token.
    const [customer] = await medium.schema.query<{ customer_id: number }>(
      'SELECT customer_id::float8 AS customer_id FROM customers WHERE company_id = $1',
      [legacy.companyId],
    );
    await medium.sandbox.operator(
      'PUT',
      `companies/${legacy.tripletex.companyId}/customers/${customer.customer_id}`,
      { name: 'Etter Rotasjonen AS' },
    );
    const state = await legacy.state();
    const rawBody = JSON.stringify({
      subscriptionId: state.subscriptionIds['customer.update'],
      event: 'customer.update',
      id: customer.customer_id,
      value: null,
    });
    const idempotencyKey = randomUUID();
    const secrets = plain[legacy.companyId];
    expect(
      await webhooksWith(newOnly()).receive({
        companyId: legacy.companyId,
        rawBody,
        body: JSON.parse(rawBody),
        idempotencyKey,
        secret: secrets.authHeader,
        signature: createHmac('sha512', secrets.hmac)
          .update(`${idempotencyKey}&${rawBody}`)
          .digest('base64'),
      }),
    ).toEqual({ applied: true });
    expect(
      await medium.schema.query('SELECT name FROM customers WHERE company_id = $1', [
        legacy.companyId,
      ]),
    ).toEqual([{ name: 'Etter Rotasjonen AS' }]);
  });

  it('leaves a secret that does not open as it is, says so in the log, and re-seals the others', async () => {
    const lost = await subscribedCompany();
    const fine = await subscribedCompany();
    await sealedEarlier(fine, 'old key');
    await medium.schema.query(
      `UPDATE sync_states SET webhook_secrets = jsonb_set(webhook_secrets, '{hmac,keyId}', '"retired"')
       WHERE company_id = $1`,
      [lost.companyId],
    );
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await rotation.pass();

    expect((await stored(fine.companyId)).hmac.keyId).toBe('new');
    expect((await stored(lost.companyId)).hmac.keyId).toBe('retired');
    expect(await rotation.countStale()).toBe(1);
    expect(errors).toHaveBeenCalledWith(
      { companyId: lost.companyId },
      expect.stringContaining('no encryption key "retired"'),
    );
  });
});
