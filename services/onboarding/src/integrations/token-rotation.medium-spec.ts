import { Logger } from '@nestjs/common';
import { Topics } from '@pos-tripletex/contracts';
import { EncryptedSecret, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { aKey, MediumTest, sealLegacy, testOperator } from '@pos-tripletex/testing';
import { completeWizard, published } from '../../test/support/in-process-wizard';
import { aConnectedCompany } from '../../test/support/wizard-answers';
import { OnboardingEnv } from '../config/env.schema';
import { createDataSource } from '../database/setup';
import { ReverificationService } from '../reverification/reverification.service';
import { FinishStep } from '../wizard/finish.step';
import { TokenStep } from '../wizard/token.step';
import { IntegrationLifecycle } from './integration.lifecycle';
import { TokenRotation } from './token-rotation';

// Key rotation of the stored employee tokens in-process: onboarding runs with the ring
// {old, new} and `new` active (the README's second rotation step); tokens were sealed with the
// old key, or in the legacy format of an earlier release.

const OLD = aKey('old');
const NEW = aKey('new');

let medium: MediumTest;
let rotation: TokenRotation;

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'onboarding_token_rotation',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: {
      REVERIFY_POLL_SECONDS: '3600',
      ENCRYPTION_KEYS: `${OLD},${NEW}`,
      ENCRYPTION_ACTIVE_KEY_ID: 'new',
      ENCRYPTION_RESEAL_INTERVAL_SECONDS: '86400',
    },
  });
  rotation = medium.get(TokenRotation);
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  await medium?.stop();
});

const newOnly = () => SecretBox.fromConfig(NEW, 'new');

async function storedToken(companyId: string): Promise<EncryptedSecret> {
  const integration = await medium.get(IntegrationLifecycle).load(companyId);
  return { keyId: integration.tokenKeyId!, value: integration.tokenCiphertext! };
}

async function storeToken(companyId: string, sealed: EncryptedSecret): Promise<void> {
  await medium.schema.query(
    'UPDATE integrations SET token_key_id = $2, token_ciphertext = $3 WHERE company_id = $1',
    [companyId, sealed.keyId, sealed.value],
  );
}

/** A company whose wizard is finished (ACTIVE, version 1 published), its token sealed as `how`. */
async function aCompanySealedEarlier(how: 'old key' | 'legacy format', finish = true) {
  const company = await aConnectedCompany(medium.sandbox);
  if (finish) {
    await completeWizard(medium, company.companyId, company.tripletex, false);
    await medium.get(FinishStep).finish(company.companyId, testOperator);
  } else
    await medium
      .get(TokenStep)
      .verify(company.companyId, company.tripletex.employeeToken, testOperator);
  const { employeeToken } = company.tripletex;
  await storeToken(
    company.companyId,
    how === 'old key'
      ? SecretBox.fromConfig(OLD, 'old').seal(
          employeeToken,
          SecretBindings.tripletexToken(company.companyId),
        )
      : sealLegacy(OLD, 'old', employeeToken, company.companyId),
  );
  return company;
}

describe(TokenRotation.name, () => {
  it('re-seals every stale token with the active key and publishes it as the next version, so the old key can go', async () => {
    const byOldKey = await aCompanySealedEarlier('old key');
    const legacy = await aCompanySealedEarlier('legacy format');
    const draft = await aCompanySealedEarlier('old key', false);
    expect(await rotation.countStale()).toBe(3);

    // Two instances at once: each token re-sealed (and published) once.
    const other = new TokenRotation(
      medium.get(IntegrationLifecycle),
      medium.get(SecretBox),
      medium.get(OnboardingEnv),
    );
    const [mine, theirs] = await Promise.all([rotation.pass(), other.pass()]);
    expect(mine + theirs).toBe(3);
    expect(await rotation.countStale()).toBe(0);
    expect(await rotation.pass()).toBe(0);

    for (const { companyId, tripletex } of [byOldKey, legacy, draft]) {
      const sealed = await storedToken(companyId);
      expect(sealed.keyId).toBe('new');
      expect(newOnly().open(sealed, SecretBindings.tripletexToken(companyId))).toBe(
        tripletex.employeeToken,
      );
    }
    // The live integrations publish it; every service's copy opens without the old key.
    for (const { companyId, tripletex } of [byOldKey, legacy]) {
      const versions = await published(medium, companyId, Topics.IntegrationConfigV1);
      expect(versions.map((config: { version: number }) => config.version)).toEqual([1, 2]);
      const [before, after] = versions as {
        tripletex: { employeeToken: EncryptedSecret };
        status: string;
        mappings: unknown;
      }[];
      expect(after).toMatchObject({ status: 'ACTIVE', mappings: before.mappings });
      expect(after.tripletex.employeeToken.keyId).toBe('new');
      expect(
        newOnly().open(after.tripletex.employeeToken, SecretBindings.tripletexToken(companyId)),
      ).toBe(tripletex.employeeToken);
    }
    // A draft is not published (other services never see its token).
    expect(await published(medium, draft.companyId, Topics.IntegrationConfigV1)).toEqual([]);

    // And the token still works with Tripletex.
    expect(
      await medium.get(ReverificationService).reverify(legacy.companyId, testOperator),
    ).toMatchObject({
      status: 'ACTIVE',
    });
  });

  it('leaves a token whose key is gone as it is, says so in the log, and re-seals the others', async () => {
    const lost = await aCompanySealedEarlier('old key');
    const fine = await aCompanySealedEarlier('old key');
    await storeToken(lost.companyId, { ...(await storedToken(lost.companyId)), keyId: 'retired' });
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    expect(await rotation.pass()).toBe(1);

    expect((await storedToken(fine.companyId)).keyId).toBe('new');
    expect((await storedToken(lost.companyId)).keyId).toBe('retired');
    expect(await rotation.countStale()).toBe(1);
    expect(errors).toHaveBeenCalledWith(
      { companyId: lost.companyId },
      expect.stringContaining('no encryption key "retired"'),
    );
  });
});
