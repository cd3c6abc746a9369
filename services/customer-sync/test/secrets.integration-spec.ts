import { join } from 'node:path';
import { createHmac, randomUUID } from 'node:crypto';
import { Topics } from '@pos-tripletex/contracts';
import { EncryptedSecret, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import {
  aKey,
  anIntegrationConfig,
  describeFlow,
  eventually,
  Flow,
  SandboxCompany,
  sealLegacy,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// customer-sync's secrets as a running process shows them: a key rotation done the way the root
// README says (restarts with the new rings) while webhooks keep flowing, the one 401 a caller
// without our secrets gets, a replayed old webhook, and log lines that never hold a webhook
// secret or signature. Which deliveries count is webhook.service.medium-spec; the re-seal pass
// is sync/secrets-rotation.medium-spec.

const K1 = aKey('k1');
const K2 = aKey('k2');

describeFlow(
  'customer-sync secrets',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'customer_sync_secrets',
    env: (port) => ({
      ENCRYPTION_KEYS: K1,
      ENCRYPTION_ACTIVE_KEY_ID: 'k1',
      ENCRYPTION_RESEAL_INTERVAL_SECONDS: '1',
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SYNC_POLL_SECONDS: '1',
      // Changes reach the mirror by webhook only (no polling within a test).
      CHANGED_SINCE_INTERVAL_SECONDS: '3600',
      WEBHOOK_SETTLE_MS: '200',
      LOG_LEVEL: 'info',
    }),
  },
  (flow: () => Flow) => {
    /** integration.config.v1 as onboarding publishes it, with the token sealed as given. */
    async function publishSettings(
      companyId: string,
      tripletex: SandboxCompany,
      version: number,
      employeeToken: EncryptedSecret,
    ) {
      await flow().sut.kafka.produce(Topics.IntegrationConfigV1, [
        {
          key: companyId,
          value: anIntegrationConfig({
            companyId,
            version,
            tripletexCompanyId: tripletex.companyId,
            employeeToken,
            startDate: '2026-11-01',
            mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
          }),
        },
      ]);
      await eventually(async () => {
        const [row] = await flow().sut.schema.query<{ version: number }>(
          'SELECT version FROM company_settings WHERE company_id = $1',
          [companyId],
        );
        expect(row?.version).toBe(version);
      });
    }

    const api = (companyId: string, path: string) =>
      flow().api(companyId, 'GET', `/v1/companies/${companyId}/customers${path}`);

    /** A company with one customer, its integration active, synced and subscribed to webhooks. */
    async function subscribed(token: (companyId: string, t: SandboxCompany) => EncryptedSecret) {
      const companyId = uniqueName('co');
      const tripletex = await flow().sut.sandbox.createCompany({ name: `Kunder ${companyId}` });
      const [customer] = await flow().sut.sandbox.addCustomers(tripletex.companyId, [
        { name: 'Fast Gjest AS', email: 'fast@gjest.no' },
      ]);
      await publishSettings(companyId, tripletex, 1, token(companyId, tripletex));
      await eventually(
        async () =>
          expect((await api(companyId, '/sync-status')).body).toMatchObject({
            fullSync: { status: 'DONE' },
            webhooks: { status: 'ACTIVE', subscribed: true },
          }),
        { timeoutMs: 30_000 },
      );
      return { companyId, tripletex, customerId: customer.id };
    }

    /** The company's webhook secrets in plain text (the test plays Tripletex, which holds them). */
    async function webhookSecrets(companyId: string, box: SecretBox) {
      const [row] = await flow().sut.schema.query<{
        webhook_secrets: { authHeader: EncryptedSecret; hmac: EncryptedSecret };
        subscription_ids: Record<string, number>;
      }>('SELECT webhook_secrets, subscription_ids FROM sync_states WHERE company_id = $1', [
        companyId,
      ]);
      return {
        header: box.open(
          row.webhook_secrets.authHeader,
          SecretBindings.webhookAuthHeader(companyId),
        ),
        hmac: box.open(row.webhook_secrets.hmac, SecretBindings.webhookHmac(companyId)),
        keyIds: [row.webhook_secrets.authHeader.keyId, row.webhook_secrets.hmac.keyId],
        subscriptionIds: row.subscription_ids,
      };
    }

    /** `pos_sealed_secrets_stale` of each store, as the operator reads it at /metrics. */
    async function staleSecrets(): Promise<Record<string, number>> {
      const text = await (await fetch(`${flow().sut.adminUrl}/metrics`)).text();
      return Object.fromEntries(
        [...text.matchAll(/^pos_sealed_secrets_stale\{[^}]*store="([^"]+)"[^}]*\} (\d+)$/gm)].map(
          (m) => [m[1], Number(m[2])],
        ),
      );
    }

    /**
     * Which of the company's sealed values are stale for the ring the service runs with now (the
     * gauge counts every company of the shared test broker; this is one company's share of it).
     */
    async function staleOf(companyId: string): Promise<string[]> {
      const [state] = await flow().sut.schema.query<{
        token_key_id: string;
        token_ciphertext: string;
        webhook_secrets: { authHeader: EncryptedSecret; hmac: EncryptedSecret };
      }>(
        'SELECT token_key_id, token_ciphertext, webhook_secrets FROM sync_states WHERE company_id = $1',
        [companyId],
      );
      const [settings] = await flow().sut.schema.query<{ token: EncryptedSecret }>(
        `SELECT config->'tripletex'->'employeeToken' AS token FROM company_settings WHERE company_id = $1`,
        [companyId],
      );
      const values: Record<string, EncryptedSecret> = {
        'sync_states token': { keyId: state.token_key_id, value: state.token_ciphertext },
        'sync_states authHeader': state.webhook_secrets.authHeader,
        'sync_states hmac': state.webhook_secrets.hmac,
        'company_settings token': settings.token,
      };
      return Object.entries(values)
        .filter(([, value]) => flow().sut.box.isStale(value))
        .map(([name]) => name);
    }

    /** A webhook call to the company's target, signed as Tripletex signs (or as given). */
    const post = (
      companyId: string,
      body: Record<string, unknown>,
      headers: { secret?: string; hmac?: string; idempotencyKey?: string },
    ) => {
      const raw = JSON.stringify(body);
      const idempotencyKey = headers.idempotencyKey ?? randomUUID();
      return fetch(`${flow().sut.url}/v1/webhooks/tripletex/${companyId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          ...(headers.secret ? { 'x-pos-tripletex-webhook-secret': headers.secret } : {}),
          ...(headers.hmac
            ? {
                'x-request-signature': createHmac('sha512', headers.hmac)
                  .update(`${idempotencyKey}&${raw}`)
                  .digest('base64'),
              }
            : {}),
        },
        body: raw,
      });
    };

    it('keeps webhooks and the token working through a key rotation done as the README says', async () => {
      // A token published by an earlier release (legacy format) and webhook secrets sealed with k1.
      const { companyId, tripletex, customerId } = await subscribed((id, t) =>
        sealLegacy(K1, 'k1', t.employeeToken, id),
      );
      const before = await webhookSecrets(companyId, SecretBox.fromConfig(K1, 'k1'));
      expect(before.keyIds).toEqual(['k1', 'k1']);
      // The legacy token's copy in sync_states is re-sealed at once (to k1, the active key).
      await eventually(async () =>
        expect(await staleOf(companyId)).toEqual(['company_settings token']),
      );

      // 1. Every instance learns the new key; 2. the new key becomes the active one.
      await flow().sut.restart({ ENCRYPTION_KEYS: `${K1},${K2}` });
      await flow().sut.restart({ ENCRYPTION_ACTIVE_KEY_ID: 'k2' });
      // 3. customer-sync re-seals its own secrets; the token copies follow onboarding's next
      // version (its re-seal is onboarding's token-rotation spec), here published as it would be.
      expect(Object.keys(await staleSecrets()).sort()).toEqual(['company_settings', 'sync_states']);
      await eventually(async () =>
        expect(await staleOf(companyId)).toEqual(['company_settings token']),
      );
      await publishSettings(
        companyId,
        tripletex,
        2,
        flow().sut.box.seal(tripletex.employeeToken, SecretBindings.tripletexToken(companyId)),
      );
      expect(await staleOf(companyId)).toEqual([]);
      const resealed = await webhookSecrets(companyId, SecretBox.fromConfig(K2, 'k2'));
      expect(resealed).toEqual({ ...before, keyIds: ['k2', 'k2'] });

      // 4. The old key leaves the ring.
      await flow().sut.restart({ ENCRYPTION_KEYS: K2 });

      // Tripletex (the sandbox) still delivers with the secrets it was given at subscription:
      // verified, and the customer read again with the token.
      await flow().sut.sandbox.operator(
        'PUT',
        `companies/${tripletex.companyId}/customers/${customerId}`,
        { name: 'Etter Rotasjonen AS' },
      );
      await eventually(
        async () =>
          expect((await api(companyId, `/${customerId}`)).body).toMatchObject({
            name: 'Etter Rotasjonen AS',
          }),
        { timeoutMs: 10_000 },
      );
    });

    it('refuses a replayed old webhook and every caller without our secrets alike, and logs no secret', async () => {
      const { companyId, customerId } = await subscribed((id, t) =>
        flow().sut.box.seal(t.employeeToken, SecretBindings.tripletexToken(id)),
      );
      const secrets = await webhookSecrets(companyId, flow().sut.box);
      const update = {
        subscriptionId: secrets.subscriptionIds['customer.update'],
        event: 'customer.update',
        id: customerId,
        value: null,
      };
      const idempotencyKey = randomUUID();
      const signed = { secret: secrets.header, hmac: secrets.hmac, idempotencyKey };

      const first = await post(companyId, update, signed);
      expect({ status: first.status, body: await first.json() }).toEqual({
        status: 200,
        body: { applied: true },
      });
      // The same delivery again – Tripletex retrying, or someone replaying it: a no-op.
      const replayed = await post(companyId, update, signed);
      expect({ status: replayed.status, body: await replayed.json() }).toEqual({
        status: 200,
        body: { applied: false, reason: 'already applied (replayed idempotency key)' },
      });

      const refusals = {
        // Authentic, but of a subscription the company had before (e.g. before re-subscribing).
        'an old subscription': await post(companyId, { ...update, subscriptionId: 1 }, signed),
        'an unknown company id': await post(`${companyId}-x`, update, signed),
        'a wrong secret': await post(companyId, update, { ...signed, secret: 'guess' }),
        'a bad signature': await post(companyId, update, { ...signed, hmac: 'not-our-hmac' }),
        'no secrets at all': await post(companyId, update, {}),
      };
      const answers = await Promise.all(
        Object.entries(refusals).map(async ([name, res]) => {
          const { requestId, ...body } = (await res.json()) as Record<string, unknown>;
          expect(requestId).toEqual(expect.any(String));
          return [name, { status: res.status, body }] as const;
        }),
      );
      const refused = {
        status: 401,
        body: {
          statusCode: 401,
          code: 'CUSTOMER_SYNC.WEBHOOK_REFUSED',
          message: 'The webhook call is not authentic.',
        },
      };
      expect(Object.fromEntries(answers)).toEqual(
        Object.fromEntries(Object.keys(refusals).map((name) => [name, refused])),
      );

      // The real reasons are in the log; the secrets and signatures are not.
      await eventually(() =>
        expect(flow().sut.service.stdout).toContain('subscription 1 is not one of the company'),
      );
      const log = flow().sut.service.stdout + flow().sut.service.stderr;
      expect(log).toContain('no company with this id has a sync state');
      // The request lines are logged, with the headers redacted.
      expect(log).toContain('"x-pos-tripletex-webhook-secret":"[redacted]"');
      expect(log).toContain('"x-request-signature":"[redacted]"');
      const signature = createHmac('sha512', secrets.hmac)
        .update(`${idempotencyKey}&${JSON.stringify(update)}`)
        .digest('base64');
      for (const secret of [secrets.header, secrets.hmac, signature, 'not-our-hmac'])
        expect(log).not.toContain(secret);
    });
  },
);
