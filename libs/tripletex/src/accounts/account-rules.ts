import type { Account } from '../types';

/**
 * How a posting uses an account: a sale credited with an outgoing VAT code (by number), or a
 * posting without VAT (a payment method's debit, tips, rounding, gift cards sold, a cash
 * difference).
 */
export type AccountUse = ({ vatNumber: string } | { vatNumber: null }) & {
  /** Whether the posting carries a department (undefined: not known yet, not checked). */
  department?: boolean;
};

/** "Ingen avgiftsbehandling": the one code a posting without VAT may carry on a VAT-locked account. */
export const NO_VAT_TREATMENT_NUMBER = '0';

/** Sub-ledger types whose postings need a party (customer, supplier, employee) we never have. */
const SUB_LEDGERS: Readonly<Record<string, string>> = {
  CUSTOMER: 'a customer',
  VENDOR: 'a supplier',
  EMPLOYEE: 'an employee',
};

export type AccountRefusalCode =
  | 'ACCOUNT_INACTIVE'
  | 'ACCOUNT_SUB_LEDGER'
  | 'ACCOUNT_REQUIRES_PROJECT'
  | 'ACCOUNT_REQUIRES_DEPARTMENT'
  | 'ACCOUNT_VAT_LOCKED'
  | 'ACCOUNT_VAT_NOT_LEGAL';

export interface AccountRefusal {
  code: AccountRefusalCode;
  /** Plain words naming the account and the code; the caller says what it was chosen for. */
  reason: string;
}

const labelOf = (account: Account) =>
  `${account.number ?? account.id}${account.name ? ` ${account.name}` : ''}`;

/**
 * Why Tripletex would refuse this use of the account – the one rule the onboarding wizard checks a
 * mapping with and the voucher builder checks a posting with (null: Tripletex takes it). Read the
 * account with `ACCOUNT_RULE_FIELDS`.
 * - inactive accounts take no postings;
 * - an account requiring a project is refused (POS sales carry none), one requiring a department
 *   only where the posting has none (`use.department === false`);
 * - a CUSTOMER / VENDOR / EMPLOYEE sub-ledger account needs that party on every posting (Tripletex:
 *   "Kunde mangler."), which a POS day never has;
 * - a VAT-locked account takes only its own code (a posting without VAT only code 0);
 * - a sale's code must be among the account's `legalVatTypes` when Tripletex lists them.
 */
export function accountRefusal(account: Account, use: AccountUse): AccountRefusal | null {
  const label = labelOf(account);
  if (account.isInactive)
    return { code: 'ACCOUNT_INACTIVE', reason: `account ${label} is inactive in Tripletex` };
  const party = account.ledgerType ? SUB_LEDGERS[account.ledgerType] : undefined;
  if (party)
    return {
      code: 'ACCOUNT_SUB_LEDGER',
      reason: `account ${label} is a ${account.ledgerType} sub-ledger account: Tripletex needs ${party} on every posting to it`,
    };
  if (account.requiresProject)
    return {
      code: 'ACCOUNT_REQUIRES_PROJECT',
      reason: `account ${label} requires a project on every posting, which POS sales never have`,
    };
  if (account.requiresDepartment && use.department === false)
    return {
      code: 'ACCOUNT_REQUIRES_DEPARTMENT',
      reason: `account ${label} requires a department, and the location has none mapped`,
    };
  const locked = account.vatLocked ? account.vatType : undefined;
  const wanted = use.vatNumber ?? NO_VAT_TREATMENT_NUMBER;
  if (locked?.number !== undefined && locked.number !== wanted)
    return {
      code: 'ACCOUNT_VAT_LOCKED',
      reason:
        use.vatNumber === null
          ? `account ${label} is locked to VAT code ${locked.number}, but this posting carries no VAT`
          : `account ${label} is locked to VAT code ${locked.number}, but the sale needs VAT code ${use.vatNumber}`,
    };
  const legal = (account.legalVatTypes ?? [])
    .map((vatType) => vatType.number)
    .filter((number): number is string => number !== undefined);
  if (use.vatNumber !== null && legal.length > 0 && !legal.includes(use.vatNumber))
    return {
      code: 'ACCOUNT_VAT_NOT_LEGAL',
      reason: `account ${label} takes VAT codes ${legal.join(', ')} only, but the sale needs VAT code ${use.vatNumber}`,
    };
  return null;
}

/** The account fields `accountRefusal` reads. */
export const ACCOUNT_RULE_FIELDS =
  'id,number,name,isInactive,ledgerType,requiresDepartment,requiresProject,vatLocked,vatType(id,number,percentage),legalVatTypes(id,number)';
