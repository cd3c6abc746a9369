import { invoiceBankAccount } from '../client/tripletex-company.client';
import {
  capabilitiesFor,
  effectiveEntitlements,
  missingEntitlements,
  TripletexEntitlements as E,
} from './entitlements';

describe('effective entitlements', () => {
  it('are the token employee’s own when there is no proxy (or the actual employee is the owner)', () => {
    const rights = effectiveEntitlements(1, [E.INVOICING, E.ADVANCED_VOUCHER]);
    expect([...rights.effective].sort()).toEqual([E.ADVANCED_VOUCHER, E.INVOICING]);
    expect(rights.actualEmployeeId).toBeUndefined();
    const same = effectiveEntitlements(1, [E.INVOICING], { employeeId: 1, names: [] });
    expect([...same.effective]).toEqual([E.INVOICING]);
  });

  it('are only what both have for a proxy login', () => {
    const rights = effectiveEntitlements(1, [E.INVOICING, E.ADVANCED_VOUCHER, E.CUSTOMER_INFO], {
      employeeId: 2,
      names: [E.ADVANCED_VOUCHER, E.CUSTOMER_INFO, 'AUTH_VAT_REPORT'],
    });
    expect([...rights.effective].sort()).toEqual([E.ADVANCED_VOUCHER, E.CUSTOMER_INFO]);
    expect(rights.actualEmployeeId).toBe(2);
  });
});

describe(missingEntitlements.name, () => {
  it('maps the chosen settings to the rights they need', () => {
    expect(capabilitiesFor({ sendToLedger: false, invoicing: false })).toEqual(['CUSTOMERS']);
    expect(capabilitiesFor({ sendToLedger: true, invoicing: true })).toEqual([
      'CUSTOMERS',
      'POST_VOUCHERS_TO_LEDGER',
      'INVOICING',
    ]);
  });

  it('names each missing right, what needs it and whose entitlements lack it', () => {
    const rights = effectiveEntitlements(1, [E.CUSTOMER_INFO, E.INVOICING], {
      employeeId: 2,
      names: [E.CUSTOMER_INFO],
    });
    expect(
      missingEntitlements(rights, capabilitiesFor({ sendToLedger: true, invoicing: true })),
    ).toEqual([
      {
        capability: 'POST_VOUCHERS_TO_LEDGER',
        entitlement: 'AUTH_ADVANCED_VOUCHER',
        label: 'Advanced Voucher',
        lackedBy: ['employee', 'actual-employee'],
      },
      {
        capability: 'INVOICING',
        entitlement: 'AUTH_INVOICING',
        label: 'Invoicing',
        lackedBy: ['actual-employee'],
      },
    ]);
  });

  it('finds nothing missing when the token has every right the settings need', () => {
    const rights = effectiveEntitlements(1, Object.values(E));
    expect(
      missingEntitlements(rights, capabilitiesFor({ sendToLedger: true, invoicing: true })),
    ).toEqual([]);
  });
});

describe(invoiceBankAccount.name, () => {
  const account = (number: number, extra: object = {}) => ({ id: number, number, ...extra });

  it('is 1920, not another bank account with a number', () => {
    const accounts = [account(1940, { bankAccountNumber: '12345678903' }), account(1920)];
    expect(invoiceBankAccount(accounts)?.number).toBe(1920);
  });

  it('is the account Tripletex marks as the invoice account when there is one', () => {
    const accounts = [account(1920), account(1925, { isInvoiceAccount: true })];
    expect(invoiceBankAccount(accounts)?.number).toBe(1925);
  });

  it('is none when the company has neither', () => {
    expect(invoiceBankAccount([account(1940)])).toBeUndefined();
  });
});
