import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { allEntitlements } from './entitlements';
import reference from './reference-data.json';

// In-memory state of the simulated Tripletex: companies with their chart of accounts, VAT and
// voucher types, customers, vouchers, orders, invoices, webhook subscriptions; tokens and
// sessions. Handlers run synchronously on it, so concurrent requests never interleave halfway.

export type Json = Record<string, unknown>;
export type Entity = Json & { id: number; version: number; url: string };

export const SANDBOX_HOST = 'tripletex-sandbox.local/v2';

/** Outgoing VAT codes a VAT-registered company has active (FACTS 37). */
const OUTGOING_VAT_NUMBERS = new Set(['3', '31', '33', '5', '6', '7', '52', '0']);

export interface SessionRecord {
  token: string;
  companyId: number;
  employeeId: number;
  employeeToken: string;
  consumerToken: string;
  expirationDate: string;
  id: number;
}

export interface CompanyState {
  company: Entity;
  /** The employee the company's token belongs to. */
  employeeId: number;
  /**
   * Set while the token is used in a proxy login: the employee actually logged in (an
   * accountant), whose rights limit the token's too (FACTS 2).
   */
  actualEmployeeId?: number;
  /** Each employee's rights (entitlement names); a new employee has them all. */
  entitlements: Map<number, Set<string>>;
  accounts: Map<number, Entity>;
  vatTypes: Map<number, Entity>;
  voucherTypes: Map<number, Entity>;
  paymentTypes: Map<number, Entity>;
  customers: Map<number, Entity>;
  vouchers: Map<number, Entity>;
  orders: Map<number, Entity>;
  invoices: Map<number, Entity>;
  /** Monthly accounting periods (start inclusive, end exclusive); an operator switch closes them. */
  periods: Map<number, Entity>;
  departments: Map<number, Entity>;
  /** Products: each with the income account (`account`) its invoice lines are booked on. */
  products: Map<number, Entity>;
  subscriptions: Map<
    number,
    Entity & {
      authHeaderName?: string;
      authHeaderValue?: string;
      hmacSharedSecret?: string;
      /** Failed delivery attempts in a row (the sandbox's; never answered back). */
      failuresInARow?: number;
    }
  >;
  /** When each entity last changed (for `changedSince`). */
  changedAt: Map<number, number>;
  counters: {
    customerNumber: number;
    voucherNumber: number;
    invoiceNumber: number;
    orderNumber: number;
  };
}

export interface CompanySeed {
  name: string;
  organizationNumber?: string;
  /** Bank account number on 1920; null: none registered (invoicing is then refused). */
  bankAccountNumber?: string | null;
  /** Employee token to accept for this company; generated if absent. */
  employeeToken?: string;
  /** The employee token stops working on this day (Tripletex tokens can be given an end date). */
  employeeTokenExpiresOn?: string;
  /**
   * A chart whose revenue accounts are all VAT-locked, each with its legal VAT code: 3000 → 3,
   * 3001 → 31, 3002 → 33, 3100 → 5, 3200 → 6 (by default only 3000 → 3 is locked, as observed).
   */
  vatLockedChart?: boolean;
}

/** The revenue accounts of a VAT-locked chart and their codes (CompanySeed.vatLockedChart). */
const LOCKED_REVENUE: Readonly<Record<number, string>> = {
  3000: '3',
  3001: '31',
  3002: '33',
  3100: '5',
  3200: '6',
};

export class SandboxState {
  private nextId = 1_000_001;
  readonly consumerTokens = new Set<string>();
  readonly employeeTokens = new Map<
    string,
    { companyId: number; employeeId: number; expiresOn?: string }
  >();
  readonly sessions = new Map<string, SessionRecord>();
  readonly companies = new Map<number, CompanyState>();
  /** Shifts the sandbox's clock (tests of token expiry). */
  clockOffsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Today in Tripletex's time zone. */
  today(): string {
    return DateTime.fromJSDate(this.now(), { zone: 'Europe/Oslo' }).toISODate() as string;
  }

  id(): number {
    return this.nextId++;
  }

  url(path: string, id: number): string {
    return `${SANDBOX_HOST}/${path}/${id}`;
  }

  reset(): void {
    this.consumerTokens.clear();
    this.employeeTokens.clear();
    this.sessions.clear();
    this.companies.clear();
    this.clockOffsetMs = 0;
  }

  /** One period a month from 2020 to two years ahead, all open. */
  private seedPeriods(state: CompanyState): void {
    const last = Number(this.today().slice(0, 4)) + 2;
    let number = 0;
    for (let year = 2020; year <= last; year++)
      for (let month = 1; month <= 12; month++) {
        const id = this.id();
        const start = `${year}-${String(month).padStart(2, '0')}-01`;
        const end =
          month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
        state.periods.set(id, {
          id,
          version: 1,
          url: this.url('ledger/accountingPeriod', id),
          name: start.slice(0, 7),
          number: number++,
          start,
          end,
          isClosed: false,
        });
      }
  }

  /** The accounting period a date falls in (none before 2020 or too far ahead). */
  periodOf(company: CompanyState, date: string): Entity | undefined {
    return [...company.periods.values()].find(
      (period) => (period.start as string) <= date && date < (period.end as string),
    );
  }

  /**
   * The operator closes the books up to a date: every period that starts on or before it is closed
   * (null opens them all again).
   */
  closePeriodsThrough(company: CompanyState, through: string | null): void {
    for (const period of company.periods.values()) {
      period.isClosed = through !== null && (period.start as string) <= through;
      period.version += 1;
    }
  }

  addCompany(seed: CompanySeed): { companyId: number; employeeToken: string } {
    const companyId = this.id();
    const employeeId = this.id();
    const employeeToken =
      seed.employeeToken ?? `sandbox-employee-${randomBytes(12).toString('hex')}`;
    const company: Entity = {
      id: companyId,
      version: 1,
      url: this.url('company', companyId),
      name: seed.name,
      displayName: seed.name,
      organizationNumber: seed.organizationNumber ?? String(900_000_000 + (companyId % 99_999_999)),
      type: 'AS',
      startDate: '2020-01-01',
    };
    const state: CompanyState = {
      company,
      employeeId,
      entitlements: new Map([[employeeId, allEntitlements()]]),
      accounts: new Map(),
      vatTypes: new Map(),
      voucherTypes: new Map(),
      paymentTypes: new Map(),
      customers: new Map(),
      vouchers: new Map(),
      orders: new Map(),
      invoices: new Map(),
      periods: new Map(),
      departments: new Map(),
      products: new Map(),
      subscriptions: new Map(),
      changedAt: new Map(),
      counters: { customerNumber: 10000, voucherNumber: 0, invoiceNumber: 0, orderNumber: 0 },
    };
    for (const vat of reference.vatTypes as {
      id: number;
      number: string;
      name: string;
      percentage: number;
    }[]) {
      state.vatTypes.set(vat.id, {
        id: vat.id,
        version: 0,
        url: this.url('ledger/vatType', vat.id),
        name: vat.name,
        number: vat.number,
        displayName: `${vat.number} ${vat.name}`,
        percentage: vat.percentage,
      });
    }
    const vatByNumber = (n: string) => [...state.vatTypes.values()].find((v) => v.number === n);
    for (const account of reference.accounts_standard_chart as { number: number; name: string }[]) {
      const id = this.id();
      const rec: Entity = {
        id,
        version: 1,
        url: this.url('ledger/account', id),
        number: account.number,
        numberPretty: String(account.number),
        name: account.name,
        displayName: `${account.number} ${account.name}`,
        ledgerType:
          account.number === 1500 ? 'CUSTOMER' : account.number === 2400 ? 'VENDOR' : 'GENERAL',
        isBankAccount: [1920, 1940, 1950].includes(account.number),
        isInactive: false,
        vatLocked: account.number === 3000,
      };
      if (account.number === 3000) rec.vatType = vatByNumber('3');
      const locked = seed.vatLockedChart ? LOCKED_REVENUE[account.number] : undefined;
      if (locked) {
        rec.vatLocked = true;
        rec.vatType = vatByNumber(locked);
        rec.legalVatTypes = [vatByNumber(locked)];
      }
      if (account.number === 1920 && seed.bankAccountNumber)
        rec.bankAccountNumber = seed.bankAccountNumber;
      state.accounts.set(id, rec);
    }
    for (const type of reference.voucherTypes as { id: number; name: string }[]) {
      const id = this.id();
      state.voucherTypes.set(id, {
        id,
        version: 1,
        url: this.url('ledger/voucherType', id),
        name: type.name,
        displayName: type.name,
      });
    }
    for (const type of reference.invoicePaymentTypes as {
      description: string;
      debitAccountNumber: number;
    }[]) {
      const id = this.id();
      const debitAccount = [...state.accounts.values()].find(
        (a) => a.number === type.debitAccountNumber,
      );
      state.paymentTypes.set(id, {
        id,
        version: 1,
        url: this.url('invoice/paymentType', id),
        description: type.description,
        debitAccount,
      });
    }
    this.seedPeriods(state);
    this.companies.set(companyId, state);
    this.employeeTokens.set(employeeToken, {
      companyId,
      employeeId,
      expiresOn: seed.employeeTokenExpiresOn,
    });
    return { companyId, employeeToken };
  }

  /**
   * Whether a session of the company may use a right: its token's employee must have it and, in a
   * proxy login, the actual employee too – only what both have is effective (FACTS 2).
   */
  mayUse(company: CompanyState, employeeId: number, entitlement: string): boolean {
    const own = company.entitlements.get(employeeId)?.has(entitlement) ?? false;
    if (company.actualEmployeeId === undefined || company.actualEmployeeId === employeeId)
      return own;
    return own && (company.entitlements.get(company.actualEmployeeId)?.has(entitlement) ?? false);
  }

  /** Outgoing codes are those a VAT-registered company can use on sales. */
  isOutgoingVat(vat: Entity): boolean {
    return OUTGOING_VAT_NUMBERS.has(vat.number as string);
  }

  touch(company: CompanyState, entity: Entity): void {
    company.changedAt.set(entity.id, this.now().getTime());
  }
}
