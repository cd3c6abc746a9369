import { Topics } from '@pos-tripletex/contracts';
import { AppError, SecretBindings } from '@pos-tripletex/platform';
import { MediumTest, testOperator } from '@pos-tripletex/testing';
import { completeWizard, published } from '../../test/support/in-process-wizard';
import { aConnectedCompany, asEmployee } from '../../test/support/wizard-answers';
import { createDataSource } from '../database/setup';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { LookupsService } from '../lookups/lookups.service';
import { FinishStep } from './finish.step';
import { InvoicingStep } from './invoicing.step';
import { LocationsStep } from './locations.step';
import { MappingsStep } from './mappings.step';
import { StartDateStep } from './start-date.step';
import { TokenStep } from './token.step';
import { WizardService } from './wizard.service';

// The wizard's decisions in-process: real PostgreSQL, the Tripletex sandbox, the outbox rows
// each transition writes. What needs HTTP or Kafka is in test/wizard.integration-spec.ts.

let medium: MediumTest;
const tokensUsed: string[] = [];

beforeAll(async () => {
  medium = await MediumTest.start({
    schema: 'onboarding_wizard_medium',
    createDataSource,
    load: () => import('../app.module').then((m) => m.AppModule),
    // The re-verification worker stays out of the way.
    env: { REVERIFY_POLL_SECONDS: '3600' },
  });
});

afterAll(async () => {
  await medium?.stop();
});

async function aCompany(seed?: Parameters<typeof aConnectedCompany>[1]) {
  const company = await aConnectedCompany(medium.sandbox, seed);
  tokensUsed.push(company.tripletex.employeeToken);
  return company;
}

/** The AppError a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<AppError> {
  const error: unknown = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const stored = (companyId: string) => medium.get(IntegrationLifecycle).load(companyId);

describe(TokenStep.name, () => {
  it('stores a verified token sealed for the company and starts the wizard at the start date', async () => {
    const { companyId, tripletex } = await aCompany();
    const verified = await medium
      .get(TokenStep)
      .verify(companyId, tripletex.employeeToken, testOperator);
    expect(verified).toMatchObject({
      warnings: [],
      integration: {
        status: 'ONBOARDING',
        tokenStored: true,
        bankAccountRegistered: true,
        completedSteps: ['token'],
        nextStep: 'start-date',
        tripletex: { companyId: tripletex.companyId, name: `Restaurant ${companyId}` },
      },
    });
    const integration = await stored(companyId);
    expect(integration.tokenCiphertext).not.toContain(tripletex.employeeToken);
    expect(
      medium.box.open(
        { keyId: integration.tokenKeyId!, value: integration.tokenCiphertext! },
        SecretBindings.tripletexToken(companyId),
      ),
    ).toBe(tripletex.employeeToken);
  });

  it('warns when Tripletex has no bank account number, and goes on', async () => {
    const { companyId, tripletex } = await aCompany({ bankAccountNumber: null });
    const verified = await medium
      .get(TokenStep)
      .verify(companyId, tripletex.employeeToken, testOperator);
    expect(verified.integration).toMatchObject({ bankAccountRegistered: false, tokenStored: true });
    expect(verified.warnings).toEqual([
      {
        code: 'NO_BANK_ACCOUNT',
        message: expect.stringContaining(
          "Invoices can't be generated until a bank account number is registered in Tripletex",
        ),
      },
    ]);
  });

  it('refuses a token Tripletex does not accept, in plain words, and stores nothing', async () => {
    const { companyId } = await aCompany();
    const error = await refusal(
      medium.get(TokenStep).verify(companyId, 'this-is-not-a-token', testOperator),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.TOKEN_INVALID',
      message: expect.stringContaining('did not accept the token'),
    });
    expect((await refusal(stored(companyId))).code).toBe('ONBOARDING.NOT_FOUND');
  });

  it('refuses an expired token the same way', async () => {
    const { companyId, tripletex } = await aCompany({ employeeTokenExpiresOn: '2020-01-01' });
    const error = await refusal(
      medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator),
    );
    expect(error.code).toBe('ONBOARDING.TOKEN_INVALID');
  });

  it('clears the chosen accounts when a token of another Tripletex company replaces the first', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    const other = await aCompany();
    const verified = await medium
      .get(TokenStep)
      .verify(companyId, other.tripletex.employeeToken, testOperator);
    expect(verified.warnings.map((warning) => warning.code)).toEqual(['OTHER_TRIPLETEX_COMPANY']);
    expect(verified.integration).toMatchObject({
      status: 'ONBOARDING',
      completedSteps: ['token'],
      paymentMethods: [],
      productGroups: [],
      tripletex: { companyId: other.tripletex.companyId },
    });
  });
});

describe(StartDateStep.name, () => {
  it('refuses a start date in the future', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(
      medium.get(StartDateStep).save(companyId, { startDate: '2999-01-01' }, testOperator),
    );
    expect(error).toMatchObject({ code: 'ONBOARDING.START_DATE_IN_FUTURE', httpStatus: 400 });
    expect((await stored(companyId)).completedSteps).toEqual(['token']);
  });

  it('refuses every step of a company that has not verified a token yet', async () => {
    const { companyId } = await aCompany();
    const error = await refusal(
      medium.get(StartDateStep).save(companyId, { startDate: '2026-11-01' }, testOperator),
    );
    expect(error.code).toBe('ONBOARDING.NOT_FOUND');
  });
});

describe(MappingsStep.name, () => {
  it('stores each payment method as written, with its kind and its account number from Tripletex, the Invoice method without an account', async () => {
    const { companyId, tripletex } = await aCompany();
    const ids = await completeWizard(medium, companyId, tripletex);
    expect((await stored(companyId)).paymentMethods).toEqual([
      {
        paymentMethodId: 'cash',
        name: 'Kontant',
        method: 'CASH',
        accountId: ids[1900],
        accountNumber: 1900,
      },
      {
        paymentMethodId: 'card',
        name: 'Bankkort',
        method: 'CARD',
        accountId: ids[1921],
        accountNumber: 1921,
      },
      {
        paymentMethodId: 'vipps',
        name: 'Vipps',
        method: 'VIPPS',
        accountId: ids[1921],
        accountNumber: 1921,
      },
      {
        paymentMethodId: 'invoice',
        name: 'Faktura',
        method: 'INVOICE',
        accountId: null,
        accountNumber: null,
      },
    ]);
  });

  it('refuses an account for the Invoice payment method', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(
      medium.get(MappingsStep).savePaymentMethods(
        companyId,
        {
          paymentMethods: [
            { paymentMethodId: 'inv', name: 'Faktura', method: 'INVOICE', accountId: 5 },
          ],
        },
        testOperator,
      ),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT',
      details: { problems: [expect.objectContaining({ posId: 'inv' })] },
    });
  });

  it('refuses a change to a live integration that maps a VAT-locked account, naming the account', async () => {
    const { companyId, tripletex } = await aCompany();
    const ids = await completeWizard(medium, companyId, tripletex);
    await medium.get(FinishStep).finish(companyId, testOperator);
    const error = await refusal(
      medium.get(MappingsStep).saveProductGroups(
        companyId,
        true,
        {
          productGroups: [
            { productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3000] },
          ],
        },
        testOperator,
      ),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.INVALID_MAPPING',
      details: {
        problems: [
          expect.objectContaining({
            step: 'product-groups-takeaway',
            posId: 'food',
            accountNumber: 3000,
            code: 'ACCOUNT_VAT_LOCKED',
          }),
        ],
      },
    });
    expect(await stored(companyId)).toMatchObject({
      configVersion: 1,
      productGroupsTakeaway: [expect.objectContaining({ accountNumber: 3001 })],
    });
  });

  it('publishes a new version at once when a section of a live integration changes', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    await medium.get(FinishStep).finish(companyId, testOperator);
    const changed = await medium
      .get(StartDateStep)
      .save(companyId, { startDate: '2026-10-01' }, testOperator);
    expect(changed).toMatchObject({ startDate: '2026-10-01', configVersion: 2 });
    expect(
      (await published(medium, companyId, Topics.IntegrationConfigV1)).map((config) => [
        config.version,
        config.startDate,
      ]),
    ).toEqual([
      [1, '2026-11-01'],
      [2, '2026-10-01'],
    ]);
  });
});

describe(InvoicingStep.name, () => {
  it('refuses invoicing while Tripletex has no bank account number, and takes it turned off', async () => {
    const { companyId, tripletex } = await aCompany({ bankAccountNumber: null });
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(
      medium.get(InvoicingStep).save(companyId, { enabled: true }, testOperator),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.NO_BANK_ACCOUNT',
      message: expect.stringContaining("Invoices can't be generated"),
    });
    const off = await medium.get(InvoicingStep).save(companyId, { enabled: false }, testOperator);
    expect(off.completedSteps).toContain('invoicing');
  });

  it('publishes the company’s delivery (sendType), keeps it when left out, and clears it with null', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    await medium.get(FinishStep).finish(companyId, testOperator);

    await medium
      .get(InvoicingStep)
      .save(companyId, { enabled: true, sendType: 'EHF' }, testOperator);
    await medium
      .get(InvoicingStep)
      .save(companyId, { enabled: true, sendToCustomer: true }, testOperator);
    await medium
      .get(InvoicingStep)
      .save(companyId, { enabled: true, sendType: null }, testOperator);

    expect(
      (await published(medium, companyId, Topics.IntegrationConfigV1)).map(
        (config) => config.invoicing.sendType ?? null,
      ),
    ).toEqual([null, 'EHF', 'EHF', null]);
  });
});

describe(FinishStep.name, () => {
  it('activates the integration and publishes its settings and the Invoice method in the same transaction', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    expect(await published(medium, companyId, Topics.IntegrationConfigV1)).toEqual([]);
    const finished = await medium.get(FinishStep).finish(companyId, testOperator);
    expect(finished).toMatchObject({ status: 'ACTIVE', configVersion: 1, nextStep: null });
    const [config] = await published(medium, companyId, Topics.IntegrationConfigV1);
    expect(config).toMatchObject({
      companyId,
      version: 1,
      status: 'ACTIVE',
      tripletex: { companyId: tripletex.companyId, employeeToken: expect.any(Object) },
    });
    expect(await published(medium, companyId, Topics.InvoicePaymentMethodV1)).toEqual([
      expect.objectContaining({ enabled: true, collective: true, version: 1 }),
    ]);
  });

  it('refuses to finish before every step is done, naming the steps', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(medium.get(FinishStep).finish(companyId, testOperator));
    expect(error.code).toBe('ONBOARDING.INCOMPLETE');
    expect((error.details?.problems as { step: string }[]).map((p) => p.step)).toEqual([
      'start-date',
      'payment-methods',
      'product-groups',
      'product-groups-takeaway',
      'other-events',
      'invoicing',
    ]);
  });

  it('refuses to finish with unknown, inactive and VAT-locked accounts, naming each culprit', async () => {
    const { companyId, tripletex } = await aCompany();
    const ids = await completeWizard(medium, companyId, tripletex, false);
    // An account deactivated in Tripletex after it was chosen.
    await asEmployee(medium.sandbox, tripletex, (client) =>
      client.updateAccount(ids[1909], { isInactive: true }),
    );
    await medium.get(MappingsStep).savePaymentMethods(
      companyId,
      {
        paymentMethods: [
          { paymentMethodId: 'cash', name: 'Kontant', accountId: ids[1900] },
          { paymentMethodId: 'card', name: 'Bankkort', accountId: 987654321 },
          { paymentMethodId: 'vipps', name: 'Vipps', accountId: null },
        ],
      },
      testOperator,
    );
    await medium.get(MappingsStep).saveProductGroups(
      companyId,
      true,
      {
        productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3000] }],
      },
      testOperator,
    );
    const error = await refusal(medium.get(FinishStep).finish(companyId, testOperator));
    expect(error.code).toBe('ONBOARDING.INCOMPLETE');
    const problems = (error.details?.problems as any[]).map((p) => [
      p.step,
      p.posId,
      p.accountNumber ?? null,
      p.code,
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['payment-methods', 'vipps', null, 'ACCOUNT_MISSING'],
        ['payment-methods', 'card', null, 'ACCOUNT_UNKNOWN'],
        ['other-events', 'CASH_DIFFERENCE', 1909, 'ACCOUNT_INACTIVE'],
        ['product-groups-takeaway', 'food', 3000, 'ACCOUNT_VAT_LOCKED'],
      ]),
    );
    expect(problems).toHaveLength(4);
    expect((await stored(companyId)).status).toBe('ONBOARDING');
  });
});

describe(LocationsStep.name, () => {
  /** A department created through the look-ups, as BackOffice would. */
  const aDepartment = (companyId: string, name: string, number?: string) =>
    medium.get(LookupsService).createDepartment(companyId, { name, number });

  const problemsOf = (error: AppError) =>
    (error.details?.problems as any[]).map((p) => [
      p.step,
      p.posId,
      p.accountNumber ?? null,
      p.code,
    ]);

  it('lists and creates departments through the look-ups; a number in use is refused by Tripletex, explained', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const storgata = await aDepartment(companyId, 'Storgata', '10');
    expect(storgata).toEqual({
      id: expect.any(Number),
      number: '10',
      name: 'Storgata',
      inactive: false,
    });
    const bryggen = await aDepartment(companyId, 'Bryggen');
    expect(bryggen.number).toEqual(expect.any(String));
    const listed = await medium.get(LookupsService).departments(companyId);
    expect(listed.values).toHaveLength(2);
    expect(listed.values).toEqual(expect.arrayContaining([storgata, bryggen]));
    const error = await refusal(aDepartment(companyId, 'Torget', '10'));
    expect(error).toMatchObject({
      code: 'ONBOARDING.TRIPLETEX_REFUSED',
      message: expect.stringContaining('Nummeret er i bruk.'),
    });
  });

  it('stores each location with its department number and name from Tripletex', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const storgata = await aDepartment(companyId, 'Storgata', '1');
    const saved = await medium.get(LocationsStep).save(
      companyId,
      {
        locations: [
          { locationId: 'storgata', name: 'Storgata', departmentId: storgata.id },
          { locationId: 'bryggen', departmentId: storgata.id },
        ],
      },
      testOperator,
    );
    expect(saved.completedSteps).toContain('locations');
    expect(saved.nextStep).toBe('start-date');
    expect(saved.locations).toEqual([
      {
        locationId: 'storgata',
        name: 'Storgata',
        departmentId: storgata.id,
        departmentNumber: '1',
        departmentName: 'Storgata',
      },
      {
        locationId: 'bryggen',
        name: null,
        departmentId: storgata.id,
        departmentNumber: '1',
        departmentName: 'Storgata',
      },
    ]);
    expect((await stored(companyId)).locations).toEqual(saved.locations);
  });

  it('refuses a department that does not exist in Tripletex, naming the location, and stores nothing', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(
      medium.get(LocationsStep).save(
        companyId,
        {
          locations: [{ locationId: 'storgata', name: 'Storgata', departmentId: 987654321 }],
        },
        testOperator,
      ),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.INVALID_MAPPING',
      message:
        'Department 987654321 chosen for location "Storgata" (storgata) does not exist in Tripletex.',
      details: {
        problems: [
          expect.objectContaining({
            step: 'locations',
            posId: 'storgata',
            code: 'DEPARTMENT_UNKNOWN',
          }),
        ],
      },
    });
    expect(await stored(companyId)).toMatchObject({ locations: [], completedSteps: ['token'] });
  });

  it('refuses a location listed twice', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const error = await refusal(
      medium.get(LocationsStep).save(
        companyId,
        {
          locations: [
            { locationId: 'storgata', departmentId: 1 },
            { locationId: 'storgata', departmentId: 2 },
          ],
        },
        testOperator,
      ),
    );
    expect(error.code).toBe('ONBOARDING.DUPLICATE');
  });

  it('refuses to finish with an account that requires a department until every location has one, then publishes the locations', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    await medium.sandbox.editAccount(tripletex.companyId, 3000, { requiresDepartment: true });
    const error = await refusal(medium.get(FinishStep).finish(companyId, testOperator));
    expect(error.code).toBe('ONBOARDING.INCOMPLETE');
    expect(problemsOf(error)).toEqual([
      ['product-groups', 'food', 3000, 'ACCOUNT_REQUIRES_DEPARTMENT'],
      ['product-groups', 'beer', 3000, 'ACCOUNT_REQUIRES_DEPARTMENT'],
    ]);
    expect((error.details?.problems as any[])[0].message).toBe(
      'Account 3000 Salgsinntekt, avgiftspliktig requires a department in Tripletex: chosen for product group "Mat". Map each POS location to a department (step "locations"), or choose another account.',
    );
    const storgata = await aDepartment(companyId, 'Storgata', '1');
    await medium.get(LocationsStep).save(
      companyId,
      {
        locations: [{ locationId: 'storgata', name: 'Storgata', departmentId: storgata.id }],
      },
      testOperator,
    );
    const finished = await medium.get(FinishStep).finish(companyId, testOperator);
    expect(finished).toMatchObject({ status: 'ACTIVE', configVersion: 1 });
    const [config] = await published(medium, companyId, Topics.IntegrationConfigV1);
    expect(config.mappings.locations).toEqual([
      {
        locationId: 'storgata',
        departmentId: storgata.id,
        departmentNumber: '1',
        departmentName: 'Storgata',
      },
    ]);
  });

  it('refuses a change to a live integration that needs a department it lacks, or takes away the departments it needs', async () => {
    const { companyId, tripletex } = await aCompany();
    const ids = await completeWizard(medium, companyId, tripletex);
    const storgata = await aDepartment(companyId, 'Storgata', '1');
    await medium.get(FinishStep).finish(companyId, testOperator);
    await medium.sandbox.editAccount(tripletex.companyId, 1909, { requiresDepartment: true });
    const otherEvents = {
      otherEvents: [{ event: 'CASH_DIFFERENCE' as const, accountId: ids[1909] }],
    };
    const error = await refusal(
      medium.get(MappingsStep).saveOtherEvents(companyId, otherEvents, testOperator),
    );
    expect(error.code).toBe('ONBOARDING.INVALID_MAPPING');
    expect(problemsOf(error)).toEqual([
      ['other-events', 'CASH_DIFFERENCE', 1909, 'ACCOUNT_REQUIRES_DEPARTMENT'],
    ]);
    await medium.get(LocationsStep).save(
      companyId,
      {
        locations: [{ locationId: 'storgata', departmentId: storgata.id }],
      },
      testOperator,
    );
    await medium.get(MappingsStep).saveOtherEvents(companyId, otherEvents, testOperator);
    const emptied = await refusal(
      medium.get(LocationsStep).save(companyId, { locations: [] }, testOperator),
    );
    expect(problemsOf(emptied)).toEqual([
      ['other-events', 'CASH_DIFFERENCE', 1909, 'ACCOUNT_REQUIRES_DEPARTMENT'],
    ]);
    expect(await stored(companyId)).toMatchObject({
      configVersion: 3,
      locations: [expect.objectContaining({ locationId: 'storgata' })],
    });
  });

  it('refuses an account that requires a project outright, departments or not', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    const storgata = await aDepartment(companyId, 'Storgata', '1');
    await medium.get(LocationsStep).save(
      companyId,
      {
        locations: [{ locationId: 'storgata', departmentId: storgata.id }],
      },
      testOperator,
    );
    await medium.sandbox.editAccount(tripletex.companyId, 2910, { requiresProject: true });
    const error = await refusal(medium.get(FinishStep).finish(companyId, testOperator));
    expect(problemsOf(error)).toEqual([['other-events', 'TIPS', 2910, 'ACCOUNT_REQUIRES_PROJECT']]);
    expect((error.details?.problems as any[])[0].message).toContain(
      'requires a project on every posting, which POS sales never have: chosen for tips',
    );
  });
});

describe(WizardService.name, () => {
  it('deactivates: the token deleted, INACTIVE published without it, the Invoice method off', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    await medium.get(FinishStep).finish(companyId, testOperator);
    const off = await medium.get(WizardService).deactivate(companyId, testOperator);
    expect(off).toMatchObject({ status: 'INACTIVE', tokenStored: false, configVersion: 2 });
    expect(await stored(companyId)).toMatchObject({
      tokenCiphertext: null,
      tokenKeyId: null,
      statusReason: 'deactivated in BackOffice',
    });
    const config = (await published(medium, companyId, Topics.IntegrationConfigV1)).at(-1);
    expect(config).toMatchObject({ version: 2, status: 'INACTIVE' });
    expect(config.tripletex.employeeToken).toBeUndefined();
    expect(
      (await published(medium, companyId, Topics.InvoicePaymentMethodV1)).at(-1),
    ).toMatchObject({ enabled: false, reason: expect.stringContaining('not active') });
  });

  it('reconnects a deactivated integration with a token: ACTIVE again and published with the token', async () => {
    const { companyId, tripletex } = await aCompany();
    await completeWizard(medium, companyId, tripletex);
    await medium.get(FinishStep).finish(companyId, testOperator);
    await medium.get(WizardService).deactivate(companyId, testOperator);
    const back = await medium
      .get(TokenStep)
      .verify(companyId, tripletex.employeeToken, testOperator);
    expect(back.integration).toMatchObject({ status: 'ACTIVE', tokenStored: true });
    expect((await published(medium, companyId, Topics.IntegrationConfigV1)).at(-1)).toMatchObject({
      version: 3,
      status: 'ACTIVE',
      tripletex: { employeeToken: expect.any(Object) },
    });
  });

  it('publishes nothing when a draft that was never published is deactivated', async () => {
    const { companyId, tripletex } = await aCompany();
    await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
    const off = await medium.get(WizardService).deactivate(companyId, testOperator);
    expect(off).toMatchObject({ status: 'INACTIVE', configVersion: 0 });
    expect(await published(medium, companyId, Topics.IntegrationConfigV1)).toEqual([]);
  });
});

describe('the employee token at rest', () => {
  it('is never readable in the integrations or the outbox', async () => {
    const everything = JSON.stringify([
      await medium.schema.query('SELECT * FROM integrations'),
      await medium.schema.query('SELECT * FROM outbox_messages'),
    ]);
    expect(tokensUsed.length).toBeGreaterThan(10);
    for (const token of tokensUsed) expect(everything).not.toContain(token);
  });
});
