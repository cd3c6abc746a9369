import { Account, Department } from '@pos-tripletex/tripletex';
import { anIntegration } from '../../test/support/integration.builder';
import { WIZARD_STEPS } from '../integrations/entities/integration.entity';
import { LocationMapping } from '../integrations/entities/integration.entity';
import {
  chosenAccounts,
  departmentRequirementProblems,
  locationProblems,
  mappingProblems,
} from './mapping-checker';

function chart(...accounts: Account[]): Map<number, Account> {
  return new Map(accounts.map((account) => [account.id as number, account]));
}

const integration = anIntegration({
  paymentMethods: [
    { paymentMethodId: 'cash', name: 'Kontant', accountId: 11, accountNumber: 1900 },
    { paymentMethodId: 'vipps', name: 'Vipps', accountId: null, accountNumber: null },
  ],
  productGroups: [
    { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: 21, accountNumber: 3000 },
  ],
  productGroupsTakeaway: [
    { productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: 21, accountNumber: 3000 },
  ],
  otherEvents: [
    { event: 'CASH_DIFFERENCE', accountId: 31, accountNumber: 1909 },
    { event: 'GIFT_CARDS_SOLD', accountId: null, accountNumber: null },
  ],
});

const healthy = chart(
  { id: 11, number: 1900, name: 'Kontanter' },
  { id: 21, number: 3000, name: 'Salgsinntekt' },
  { id: 31, number: 1909, name: 'Kassedifferanse' },
);

describe(chosenAccounts.name, () => {
  it('leaves the Invoice method out: it is kept for read-back, but takes no account', () => {
    const withInvoice = anIntegration({
      paymentMethods: [
        ...integration.paymentMethods,
        {
          paymentMethodId: 'invoice',
          name: 'Faktura',
          method: 'INVOICE',
          accountId: null,
          accountNumber: null,
        },
      ],
    });
    expect(chosenAccounts(withInvoice, ['payment-methods']).map((chosen) => chosen.posId)).toEqual([
      'cash',
      'vipps',
    ]);
  });

  it('lists the accounts of the steps asked for, each with a label naming its POS item', () => {
    const chosen = chosenAccounts(integration, ['product-groups-takeaway', 'other-events']);
    expect(chosen.map((item) => [item.step, item.posId, item.required])).toEqual([
      ['product-groups-takeaway', 'food', true],
      ['other-events', 'CASH_DIFFERENCE', false],
      ['other-events', 'GIFT_CARDS_SOLD', false],
    ]);
    expect(chosen.slice(0, 2).map((item) => item.label)).toEqual([
      'product group "Mat" (takeaway)',
      'cash difference',
    ]);
  });
});

describe(mappingProblems.name, () => {
  it('wants an account for every payment method and product group, not for other events', () => {
    const problems = mappingProblems(chosenAccounts(integration, WIZARD_STEPS), healthy);
    expect(problems).toEqual([
      {
        step: 'payment-methods',
        posId: 'vipps',
        code: 'ACCOUNT_MISSING',
        message: 'Choose an account for payment method "Vipps".',
      },
    ]);
  });

  it('names an account that does not exist in Tripletex', () => {
    const problems = mappingProblems(
      chosenAccounts(integration, ['payment-methods']),
      chart({ id: 21, number: 3000, name: 'Salgsinntekt' }),
    );
    expect(problems).toContainEqual({
      step: 'payment-methods',
      posId: 'cash',
      accountNumber: 1900,
      code: 'ACCOUNT_UNKNOWN',
      message: 'Account 1900 chosen for payment method "Kontant" does not exist in Tripletex.',
    });
  });

  it('names an inactive account with its number and name', () => {
    const problems = mappingProblems(
      chosenAccounts(integration, ['other-events']),
      chart({ id: 31, number: 1909, name: 'Kassedifferanse', isInactive: true }),
    );
    expect(problems).toEqual([
      {
        step: 'other-events',
        posId: 'CASH_DIFFERENCE',
        accountNumber: 1909,
        code: 'ACCOUNT_INACTIVE',
        message:
          'Account 1909 Kassedifferanse is inactive in Tripletex: chosen for cash difference. Choose another account.',
      },
    ]);
  });

  it('refuses an account locked to another VAT code than the group rate needs', () => {
    const locked = chart({
      id: 21,
      number: 3000,
      name: 'Salgsinntekt',
      vatLocked: true,
      vatType: { id: 3, number: '3' },
    });
    expect(mappingProblems(chosenAccounts(integration, ['product-groups']), locked)).toEqual([]);
    expect(
      mappingProblems(chosenAccounts(integration, ['product-groups-takeaway']), locked),
    ).toEqual([
      {
        step: 'product-groups-takeaway',
        posId: 'food',
        accountNumber: 3000,
        code: 'ACCOUNT_VAT_LOCKED',
        message:
          'Account 3000 Salgsinntekt is locked to VAT code 3, but the sale needs VAT code 31: chosen for product group "Mat" (takeaway), sold at 15 %. Choose another account.',
      },
    ]);
  });

  it('refuses an account whose legal VAT types do not include the code the rate needs', () => {
    const legal = chart({
      id: 21,
      number: 3000,
      name: 'Salgsinntekt',
      legalVatTypes: [
        { id: 3, number: '3' },
        { id: 31, number: '31' },
      ],
    });
    expect(
      mappingProblems(chosenAccounts(integration, ['product-groups-takeaway']), legal),
    ).toEqual([]);
    const onlyHigh = chart({
      id: 21,
      number: 3000,
      name: 'Salgsinntekt',
      legalVatTypes: [{ id: 3, number: '3' }],
    });
    expect(
      mappingProblems(chosenAccounts(integration, ['product-groups-takeaway']), onlyHigh),
    ).toEqual([
      expect.objectContaining({
        code: 'ACCOUNT_VAT_NOT_LEGAL',
        message:
          'Account 3000 Salgsinntekt takes VAT codes 3 only, but the sale needs VAT code 31: chosen for product group "Mat" (takeaway), sold at 15 %. Choose another account.',
      }),
    ]);
  });

  it('refuses a customer sub-ledger account as a payment account, naming it', () => {
    const problems = mappingProblems(
      chosenAccounts(integration, ['payment-methods']),
      chart({ id: 11, number: 1500, name: 'Kundefordringer', ledgerType: 'CUSTOMER' }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        step: 'payment-methods',
        accountNumber: 1500,
        code: 'ACCOUNT_SUB_LEDGER',
        message: expect.stringContaining(
          'Account 1500 Kundefordringer is a CUSTOMER sub-ledger account: Tripletex needs a customer on every posting to it',
        ),
      }),
    );
  });
});

describe('an account requiring a project', () => {
  it('is refused outright, naming the account and its use (we never post projects)', () => {
    const problems = mappingProblems(
      chosenAccounts(integration, ['product-groups']),
      chart({ id: 21, number: 3000, name: 'Salgsinntekt', requiresProject: true }),
    );
    expect(problems).toEqual([
      {
        step: 'product-groups',
        posId: 'food',
        accountNumber: 3000,
        code: 'ACCOUNT_REQUIRES_PROJECT',
        message:
          'Account 3000 Salgsinntekt requires a project on every posting, which POS sales never have: chosen for product group "Mat", sold at 25 %. Choose another account.',
      },
    ]);
  });
});

describe(departmentRequirementProblems.name, () => {
  const requiring = chart(
    { id: 11, number: 1900, name: 'Kontanter' },
    { id: 21, number: 3000, name: 'Salgsinntekt', requiresDepartment: true },
    { id: 31, number: 1909, name: 'Kassedifferanse' },
  );
  const storgata: LocationMapping = {
    locationId: 'storgata',
    name: 'Storgata',
    departmentId: 501,
    departmentNumber: '1',
    departmentName: 'Storgata',
  };

  it('wants every location mapped to a department when a chosen account requires one, naming each use', () => {
    const problems = departmentRequirementProblems(
      chosenAccounts(integration, WIZARD_STEPS),
      requiring,
      [],
    );
    expect(problems).toEqual([
      {
        step: 'product-groups',
        posId: 'food',
        accountNumber: 3000,
        code: 'ACCOUNT_REQUIRES_DEPARTMENT',
        message:
          'Account 3000 Salgsinntekt requires a department in Tripletex: chosen for product group "Mat". Map each POS location to a department (step "locations"), or choose another account.',
      },
      expect.objectContaining({
        step: 'product-groups-takeaway',
        posId: 'food',
        code: 'ACCOUNT_REQUIRES_DEPARTMENT',
      }),
    ]);
  });

  it('takes the account once the locations have their departments', () => {
    expect(
      departmentRequirementProblems(chosenAccounts(integration, WIZARD_STEPS), requiring, [
        storgata,
      ]),
    ).toEqual([]);
  });

  it('wants no locations when no chosen account requires a department', () => {
    expect(
      departmentRequirementProblems(chosenAccounts(integration, WIZARD_STEPS), healthy, []),
    ).toEqual([]);
  });
});

describe(locationProblems.name, () => {
  const departments = (...list: Department[]) =>
    new Map(list.map((department) => [department.id as number, department]));
  const locations: LocationMapping[] = [
    {
      locationId: 'storgata',
      name: 'Storgata',
      departmentId: 501,
      departmentNumber: null,
      departmentName: null,
    },
    {
      locationId: 'bryggen',
      name: null,
      departmentId: 502,
      departmentNumber: '2',
      departmentName: 'Bryggen',
    },
  ];

  it('takes active departments that exist', () => {
    expect(
      locationProblems(
        locations,
        departments(
          { id: 501, departmentNumber: '1', name: 'Storgata' },
          { id: 502, departmentNumber: '2', name: 'Bryggen', isInactive: false },
        ),
      ),
    ).toEqual([]);
  });

  it('names the location whose department does not exist or is inactive', () => {
    expect(
      locationProblems(
        locations,
        departments({ id: 502, departmentNumber: '2', name: 'Bryggen', isInactive: true }),
      ),
    ).toEqual([
      {
        step: 'locations',
        posId: 'storgata',
        code: 'DEPARTMENT_UNKNOWN',
        message:
          'Department 501 chosen for location "Storgata" (storgata) does not exist in Tripletex.',
      },
      {
        step: 'locations',
        posId: 'bryggen',
        code: 'DEPARTMENT_INACTIVE',
        message:
          'Department 2 Bryggen is inactive in Tripletex: chosen for location bryggen. Choose another department.',
      },
    ]);
  });
});
