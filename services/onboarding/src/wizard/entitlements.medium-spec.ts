import { Topics } from '@pos-tripletex/contracts';
import { AppError } from '@pos-tripletex/platform';
import { MediumTest, SandboxCompany, testOperator } from '@pos-tripletex/testing';
import { CompanyClients, TripletexClient } from '@pos-tripletex/tripletex';
import { completeWizard, published } from '../../test/support/in-process-wizard';
import { aConnectedCompany } from '../../test/support/wizard-answers';
import { ReverificationService } from '../reverification/reverification.service';
import { createDataSource } from '../database/setup';
import { FinishStep } from './finish.step';
import { InvoicingStep } from './invoicing.step';
import { StartDateStep } from './start-date.step';
import { TokenStep } from './token.step';

// Onboarding checks what the product will do (issue 16): the token's effective rights for the
// chosen settings, the invoice bank account, and a session per token. Real PostgreSQL, the
// sandbox (whose rights answer 403 when missing, as Tripletex does) and the outbox.

let medium: MediumTest;

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'onboarding_entitlements_medium',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    env: { REVERIFY_POLL_SECONDS: '3600' },
  });
});

afterAll(async () => {
  await medium?.stop();
});

async function refusal(call: Promise<unknown>): Promise<AppError> {
  const error: unknown = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const problemsOf = (error: AppError) =>
  error.details?.problems as { step: string; field?: string; entitlement?: string; code: string }[];

describe('the token’s rights for the chosen settings', () => {
  it('refuses vouchers straight into the ledger for a token without Advanced Voucher, naming the right, and takes approval mode', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
    await medium.sandbox.editEntitlements(tripletex.companyId, {
      revoke: ['AUTH_ADVANCED_VOUCHER'],
    });
    // Nothing chosen needs it yet: the token is taken.
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);

    const error = await refusal(
      medium
        .get(StartDateStep)
        .save(companyId, { startDate: '2026-11-01', sendToLedger: true }, testOperator),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.MISSING_ENTITLEMENT',
      httpStatus: 422,
      message: expect.stringContaining('"Advanced Voucher" (AUTH_ADVANCED_VOUCHER)'),
    });
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({
        step: 'start-date',
        field: 'sendToLedger',
        entitlement: 'AUTH_ADVANCED_VOUCHER',
        code: 'ENTITLEMENT_MISSING',
      }),
    ]);

    const approval = await medium
      .get(StartDateStep)
      .save(companyId, { startDate: '2026-11-01', sendToLedger: false }, testOperator);
    expect(approval.completedSteps).toContain('start-date');
  });

  it('refuses to finish, and re-verification flags, a live choice of sendToLedger once the right is taken away', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
    await completeWizard(medium, companyId, tripletex, false);
    await medium.sandbox.editEntitlements(tripletex.companyId, {
      revoke: ['AUTH_ADVANCED_VOUCHER'],
    });
    const error = await refusal(medium.get(FinishStep).finish(companyId, testOperator));
    expect(error.code).toBe('ONBOARDING.INCOMPLETE');
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ entitlement: 'AUTH_ADVANCED_VOUCHER', field: 'sendToLedger' }),
    ]);

    await medium.sandbox.editEntitlements(tripletex.companyId, {
      grant: ['AUTH_ADVANCED_VOUCHER'],
    });
    await medium.get(FinishStep).finish(companyId, testOperator);
    await medium.sandbox.editEntitlements(tripletex.companyId, {
      revoke: ['AUTH_ADVANCED_VOUCHER'],
    });
    const checked = await medium.get(ReverificationService).reverify(companyId, testOperator);
    expect(checked).toMatchObject({
      status: 'NEEDS_ATTENTION',
      statusReason: expect.stringContaining('AUTH_ADVANCED_VOUCHER'),
    });
    // A new token of the same employee does not help while the employee lacks the right.
    const again = await refusal(
      medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator),
    );
    expect(again.code).toBe('ONBOARDING.MISSING_ENTITLEMENT');
  });

  it('refuses invoicing for a proxy login whose actual employee lacks the invoicing right, naming who lacks it', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
    await medium.sandbox.editEntitlements(tripletex.companyId, { proxy: true });
    const proxy = await medium.sandbox.editEntitlements(tripletex.companyId, {
      employee: 'actual',
      revoke: ['AUTH_INVOICING'],
    });
    // The token's own employee has every right: only the intersection is short of it.
    expect(proxy.owner).toContain('AUTH_INVOICING');
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);

    const error = await refusal(
      medium.get(InvoicingStep).save(companyId, { enabled: true }, testOperator),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.MISSING_ENTITLEMENT',
      message: expect.stringContaining(
        `logged in with the token (proxy login, employee ${String(proxy.actualEmployeeId)}) lacks the Tripletex right "Invoicing" (AUTH_INVOICING)`,
      ),
    });
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({
        step: 'invoicing',
        field: 'enabled',
        entitlement: 'AUTH_INVOICING',
      }),
    ]);
    const off = await medium.get(InvoicingStep).save(companyId, { enabled: false }, testOperator);
    expect(off.invoicing.enabled).toBe(false);
  });

  it('refuses a token that cannot read customers at all, at the token step', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
    await medium.sandbox.editEntitlements(tripletex.companyId, {
      revoke: ['AUTH_CUSTOMER_INFO'],
    });
    const error = await refusal(
      medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator),
    );
    expect(error.code).toBe('ONBOARDING.MISSING_ENTITLEMENT');
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({ step: 'token', entitlement: 'AUTH_CUSTOMER_INFO' }),
    ]);
  });
});

describe('the invoice bank account', () => {
  it('does not count a bank account number on 1940: no bank account, as when there is none', async () => {
    const { companyId, tripletex } = await aConnectedCompany(medium.sandbox, {
      bankAccountNumber: null,
    });
    await medium.sandbox.editAccount(tripletex.companyId, 1940, {
      bankAccountNumber: '12345678903',
    });
    const verified = await medium
      .get(TokenStep)
      .verify(companyId, tripletex.employeeToken, testOperator);
    expect(verified.integration.bankAccountRegistered).toBe(false);
    expect(verified.warnings.map((w) => w.code)).toEqual(['NO_BANK_ACCOUNT']);
    const error = await refusal(
      medium.get(InvoicingStep).save(companyId, { enabled: true }, testOperator),
    );
    expect(error.code).toBe('ONBOARDING.NO_BANK_ACCOUNT');

    // Marked in Tripletex as the account invoices are paid to, 1940 is the invoice account.
    await medium.sandbox.editAccount(tripletex.companyId, 1940, { isInvoiceAccount: true });
    const on = await medium.get(InvoicingStep).save(companyId, { enabled: true }, testOperator);
    expect(on).toMatchObject({ bankAccountRegistered: true, invoicing: { enabled: true } });
  });
});

describe('a company re-onboarded with a token of another Tripletex company', () => {
  /** Another service's view: it sees only the sealed token of each published settings version. */
  async function whoAmIAsAnotherService(
    clients: CompanyClients,
    companyId: string,
  ): Promise<number | undefined> {
    const configs = await published(medium, companyId, Topics.IntegrationConfigV1);
    const latest = configs[configs.length - 1] as {
      tripletex: { employeeToken: { keyId: string; value: string } };
    };
    const client = clients.forCompany(companyId, latest.tripletex.employeeToken, () => {
      throw new Error('no token in the settings');
    });
    return (await client.whoAmI()).companyId;
  }

  it('takes effect at once in a service that cached a session of the first company', async () => {
    const service = new TripletexClient({
      baseUrl: medium.sandbox.apiUrl,
      consumerToken: medium.sandbox.consumerToken,
    });
    try {
      const clients = new CompanyClients(service, medium.box);
      const { companyId, tripletex } = await aConnectedCompany(medium.sandbox);
      await completeWizard(medium, companyId, tripletex);
      await medium.get(FinishStep).finish(companyId, testOperator);
      expect(await whoAmIAsAnotherService(clients, companyId)).toBe(tripletex.companyId);

      const other: SandboxCompany = await medium.sandbox.createCompany({
        name: `Other ${companyId}`,
        bankAccountNumber: '12345678903',
      });
      await completeWizard(medium, companyId, other);
      await medium.get(FinishStep).finish(companyId, testOperator);
      // The first company's session is still cached and valid; the new settings' token wins.
      expect(await whoAmIAsAnotherService(clients, companyId)).toBe(other.companyId);
    } finally {
      service.close();
    }
  });
});
