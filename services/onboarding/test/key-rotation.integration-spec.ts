import { join } from 'node:path';
import { Topics } from '@pos-tripletex/contracts';
import { EncryptedSecret, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import {
  aKey,
  Collector,
  describeFlow,
  eventually,
  Flow,
  sealLegacy,
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

// A key rotation done the way the root README says, as the running onboarding shows it: restarts
// with the new rings, every stored token re-sealed (one of an earlier release's legacy format
// too) and published as the next integration.config.v1 version, the stale-secrets gauge at 0,
// and after the old key left the ring the token still opens and works with Tripletex.
// The decisions of one pass are src/integrations/token-rotation.medium-spec.ts.

const K1 = aKey('k1');
const K2 = aKey('k2');

describeFlow(
  'onboarding through a key rotation',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'onboarding_key_rotation',
    env: () => ({
      ENCRYPTION_KEYS: K1,
      ENCRYPTION_ACTIVE_KEY_ID: 'k1',
      ENCRYPTION_RESEAL_INTERVAL_SECONDS: '1',
      REVERIFY_POLL_SECONDS: '3600',
    }),
  },
  (flow: () => Flow) => {
    let events: Collector;

    beforeAll(async () => {
      events = await flow().sut.kafka.collect([Topics.IntegrationConfigV1]);
    });

    const api = (companyId: string, method: string, path: string, body?: unknown) =>
      flow().api(companyId, method, `/v1/companies/${companyId}/tripletex${path}`, body);

    const published = (companyId: string) =>
      events.messages
        .filter((m) => m.key === companyId)
        .map(
          (m) =>
            JSON.parse(m.value!.toString()) as {
              version: number;
              status: string;
              tripletex: { employeeToken: EncryptedSecret };
            },
        );

    /** `pos_sealed_secrets_stale{store="integrations"}` as the operator reads it. */
    async function staleTokens(): Promise<number | undefined> {
      const text = await (await fetch(`${flow().sut.adminUrl}/metrics`)).text();
      const match = /^pos_sealed_secrets_stale\{[^}]*store="integrations"[^}]*\} (\d+)$/m.exec(
        text,
      );
      return match ? Number(match[1]) : undefined;
    }

    async function activeCompany() {
      const { companyId, tripletex } = await aConnectedCompany(flow().sut.sandbox);
      const { employeeToken } = tripletex;
      expect((await api(companyId, 'POST', '/token', { employeeToken })).status).toBe(200);
      expect((await api(companyId, 'POST', '/accounts', CARD_CLEARING)).status).toBe(201);
      const answers = wizardAnswers(await accountIds(flow().sut.sandbox, tripletex), false);
      for (const step of Object.keys(WIZARD_ROUTES) as (keyof WizardAnswers)[])
        expect((await api(companyId, 'PUT', WIZARD_ROUTES[step], answers[step])).status).toBe(200);
      expect((await api(companyId, 'POST', '/finish')).status).toBe(200);
      return { companyId, tripletex };
    }

    it('re-seals every stored token, publishes it, and the token still works once the old key is gone', async () => {
      const current = await activeCompany();
      const legacy = await activeCompany();
      // A token stored by an earlier release (legacy format, AAD = companyId only).
      const old = sealLegacy(K1, 'k1', legacy.tripletex.employeeToken, legacy.companyId);
      await flow().sut.schema.query(
        'UPDATE integrations SET token_key_id = $2, token_ciphertext = $3 WHERE company_id = $1',
        [legacy.companyId, old.keyId, old.value],
      );
      await eventually(() => expect(published(current.companyId)).toHaveLength(1));

      // 1. Every instance learns the new key; 2. the new key becomes the active one.
      await flow().sut.restart({ ENCRYPTION_KEYS: `${K1},${K2}` });
      await flow().sut.restart({ ENCRYPTION_ACTIVE_KEY_ID: 'k2' });
      // 3. Re-sealed at start-up and published; the gauge says when the old key may go.
      await eventually(async () => expect(await staleTokens()).toBe(0));
      const newOnly = SecretBox.fromConfig(K2, 'k2');
      for (const { companyId, tripletex } of [current, legacy]) {
        const [row] = await flow().sut.schema.query<{ token_key_id: string; token: string }>(
          'SELECT token_key_id, token_ciphertext AS token FROM integrations WHERE company_id = $1',
          [companyId],
        );
        expect(row.token_key_id).toBe('k2');
        await eventually(() =>
          expect(published(companyId).at(-1)?.tripletex.employeeToken.keyId).toBe('k2'),
        );
        const latest = published(companyId).at(-1)!;
        expect(latest).toMatchObject({ status: 'ACTIVE', version: published(companyId).length });
        expect(
          newOnly.open(latest.tripletex.employeeToken, SecretBindings.tripletexToken(companyId)),
        ).toBe(tripletex.employeeToken);
      }

      // 4. The old key leaves the ring: the tokens open and Tripletex accepts them.
      await flow().sut.restart({ ENCRYPTION_KEYS: K2 });
      for (const { companyId } of [current, legacy])
        expect(await api(companyId, 'POST', '/reverify')).toMatchObject({
          status: 200,
          body: { status: 'ACTIVE' },
        });
      expect(await staleTokens()).toBe(0);
    });
  },
);
