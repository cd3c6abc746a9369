import { Topics } from '@pos-tripletex/contracts';
import { Actor, AuditTrail } from '@pos-tripletex/platform';
import { MediumTest, testOperator } from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import { completeWizard, published } from '../../test/support/in-process-wizard';
import { aConnectedCompany } from '../../test/support/wizard-answers';
import { createDataSource } from '../database/setup';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { FinishStep } from '../wizard/finish.step';
import { TokenStep } from '../wizard/token.step';
import { WizardService } from '../wizard/wizard.service';
import { ReverificationService } from './reverification.service';

// Re-verification's decisions in-process. The worker's timer stays out of the way; the
// auth-failed report arriving over Kafka is test/wizard.integration-spec.ts's.

let medium: MediumTest;

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'onboarding_reverification_medium',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: { REVERIFY_POLL_SECONDS: '3600' },
  });
});

afterAll(async () => {
  await medium?.stop();
});

/** A company whose wizard is finished: ACTIVE, version 1 published. */
async function anActiveCompany() {
  const company = await aConnectedCompany(medium.sandbox);
  await completeWizard(medium, company.companyId, company.tripletex, false);
  await medium.get(FinishStep).finish(company.companyId, testOperator);
  return company;
}

/** The worker's checks are the system's changes. */
const WORKER = Actor.system('reverification');
const reverification = () => medium.get(ReverificationService);
const trail = async (companyId: string) =>
  (await medium.get(AuditTrail).page(companyId, {})).values;
const stored = (companyId: string) => medium.get(IntegrationLifecycle).load(companyId);

describe(ReverificationService.name, () => {
  it('makes the integration NEEDS_ATTENTION when Tripletex refuses the token, and publishes it', async () => {
    const { companyId, tripletex } = await anActiveCompany();
    await medium.sandbox.revokeEmployeeToken(tripletex.employeeToken);
    const checked = await reverification().reverify(companyId, WORKER);
    expect(checked).toMatchObject({
      status: 'NEEDS_ATTENTION',
      statusReason: expect.stringContaining('did not accept the token'),
      configVersion: 2,
    });
    expect((await published(medium, companyId, Topics.IntegrationConfigV1)).at(-1)).toMatchObject({
      version: 2,
      status: 'NEEDS_ATTENTION',
      statusReason: expect.stringContaining('did not accept the token'),
    });
    expect(
      (await published(medium, companyId, Topics.InvoicePaymentMethodV1)).at(-1),
    ).toMatchObject({ enabled: false, reason: expect.stringContaining('needs attention') });
    expect(await published(medium, companyId, Topics.AlertsV1)).toEqual([
      expect.objectContaining({
        alertKey: 'token-refused',
        kind: 'TOKEN_REFUSED',
        state: 'OPEN',
        severity: 'CRITICAL',
        source: 'onboarding',
        message: expect.stringMatching(
          /token step \(POST .*\/token\)\. Tripletex did not accept the token/,
        ),
        details: { code: 'ONBOARDING.TOKEN_INVALID' },
      }),
      expect.objectContaining({ alertKey: 'token-missing-rights', state: 'RESOLVED' }),
    ]);
    const [attention, activated] = await trail(companyId);
    expect(activated).toMatchObject({
      action: 'integration.activated',
      actorKind: 'USER',
      actor: 'test-operator',
      before: { status: 'ONBOARDING', activatedAt: null },
      after: { status: 'ACTIVE', activatedAt: expect.any(String) },
    });
    expect(attention).toMatchObject({
      action: 'integration.needs-attention',
      actorKind: 'SYSTEM',
      actor: 'reverification',
      before: { status: 'ACTIVE', statusReason: null },
      after: {
        status: 'NEEDS_ATTENTION',
        statusReason: expect.stringContaining('did not accept the token'),
      },
    });
  });

  it('keeps an integration whose token works ACTIVE, publishing nothing new', async () => {
    const { companyId } = await anActiveCompany();
    const before = await stored(companyId);
    const records = await trail(companyId);
    const checked = await reverification().reverify(companyId, WORKER);
    expect(checked).toMatchObject({ status: 'ACTIVE', statusReason: null, configVersion: 1 });
    const after = await stored(companyId);
    expect(after.tokenVerifiedAt!.getTime()).toBeGreaterThan(before.tokenVerifiedAt!.getTime());
    expect(await published(medium, companyId, Topics.IntegrationConfigV1)).toHaveLength(1);
    expect(await published(medium, companyId, Topics.AlertsV1)).toEqual([]);
    // A check that changes no setting or status is not a change for the audit trail.
    expect(await trail(companyId)).toEqual(records);
  });

  it('brings an integration that needed attention back to ACTIVE once its token works', async () => {
    const { companyId } = await anActiveCompany();
    await medium.schema.query(
      `UPDATE integrations SET status = 'NEEDS_ATTENTION', status_reason = 'refused earlier' WHERE company_id = $1`,
      [companyId],
    );
    const checked = await reverification().reverify(companyId, WORKER);
    expect(checked).toMatchObject({ status: 'ACTIVE', statusReason: null, configVersion: 2 });
    expect((await published(medium, companyId, Topics.IntegrationConfigV1)).at(-1)).toMatchObject({
      version: 2,
      status: 'ACTIVE',
    });
    expect(
      (await published(medium, companyId, Topics.AlertsV1)).map((a) => `${a.state} ${a.alertKey}`),
    ).toEqual(['RESOLVED token-refused', 'RESOLVED token-missing-rights']);
  });

  it('leaves a draft a draft when its token is refused', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    await medium.sandbox.revokeEmployeeToken(tripletex.employeeToken);
    const checked = await reverification().reverify(companyId, WORKER);
    expect(checked).toMatchObject({ status: 'ONBOARDING', statusReason: null, configVersion: 0 });
    // a draft's token problem is the wizard's to show, not an alert
    expect(await published(medium, companyId, Topics.AlertsV1)).toEqual([]);
  });

  it('does not check a deactivated integration', async () => {
    const { companyId } = await anActiveCompany();
    await medium.get(WizardService).deactivate(companyId, testOperator);
    const checked = await reverification().reverify(companyId, WORKER);
    expect(checked).toMatchObject({ status: 'INACTIVE', tokenVerifiedAt: null });
    expect(await reverification().claimDue(100)).not.toContain(companyId);
  });

  it('claims a company reported by another service at once, and holds it for the lease', async () => {
    const { companyId } = await anActiveCompany();
    expect(await reverification().claimDue(100)).not.toContain(companyId);
    await medium.get(DataSource).transaction((tx) => reverification().request(tx, companyId));
    expect(await reverification().claimDue(100)).toContain(companyId);
    expect(await reverification().claimDue(100)).not.toContain(companyId);
    await reverification().reverify(companyId, WORKER);
    expect((await stored(companyId)).reverifyRequestedAt).toBeNull();
  });
});
