import { Injectable } from '@nestjs/common';
import { AppError } from '@pos-tripletex/platform';
import { Account, Department } from '@pos-tripletex/tripletex';
import { IntegrationClients } from '../integrations/integration-clients';
import {
  CHART_OF_ACCOUNTS,
  DEPARTMENTS,
  explainTripletexFailure,
  OnboardingErrors,
} from '../onboarding.errors';
import { AccountsQueryDto, CreateAccountDto, CreateDepartmentDto } from './dto/lookups.dto';

export interface AccountOption {
  id: number;
  number: number;
  name: string;
  vatLocked: boolean;
  vatCode: string | null;
  isBankAccount: boolean;
}

export interface DepartmentOption {
  id: number;
  number: string | null;
  name: string;
  inactive: boolean;
}

export function departmentOption(department: Department): DepartmentOption {
  return {
    id: department.id as number,
    number: department.departmentNumber ?? null,
    name: department.name ?? '',
    inactive: department.isInactive === true,
  };
}

const DEPARTMENT_FIELDS = 'id,name,departmentNumber,isInactive';

const ACCOUNT_FIELDS = 'id,number,name,isInactive,isBankAccount,vatLocked,vatType(id,number)';

export function accountOption(account: Account): AccountOption {
  return {
    id: account.id as number,
    number: account.number as number,
    name: account.name ?? '',
    vatLocked: account.vatLocked === true,
    vatCode: account.vatType?.number ?? null,
    isBankAccount: account.isBankAccount === true,
  };
}

/**
 * What BackOffice's selects need from Tripletex: accounts (searchable, paged), VAT types and
 * departments (for the locations step).
 */
@Injectable()
export class LookupsService {
  constructor(private readonly clients: IntegrationClients) {}

  async accounts(
    companyId: string,
    query: AccountsQueryDto,
  ): Promise<{ from: number; count: number; hasMore: boolean; values: AccountOption[] }> {
    const client = await this.clients.forCompany(companyId);
    const from = query.from ?? 0;
    const count = query.count ?? 100;
    const text = query.query?.trim().toLowerCase();
    const matches: AccountOption[] = [];
    let skipped = 0;
    // Tripletex filters accounts by exact numbers only, so search is ours: stream the (small,
    // ~500 accounts) chart page by page and keep one page of matches.
    try {
      for await (const account of client.iterateAccounts(
        { isInactive: false, fields: ACCOUNT_FIELDS, sorting: 'number' },
        500,
      )) {
        const hit =
          !text ||
          String(account.number).startsWith(text) ||
          (account.name ?? '').toLowerCase().includes(text);
        if (!hit) continue;
        if (skipped < from) {
          skipped++;
          continue;
        }
        if (matches.length === count) return { from, count, hasMore: true, values: matches };
        matches.push(accountOption(account));
      }
    } catch (error) {
      throw this.explain(error);
    }
    return { from, count: matches.length, hasMore: false, values: matches };
  }

  async vatTypes(companyId: string) {
    const client = await this.clients.forCompany(companyId);
    try {
      const page = await client.listVatTypes({
        typeOfVat: 'OUTGOING',
        fields: 'id,number,name,percentage',
      });
      return {
        values: (page.values ?? []).map((vatType) => ({
          id: vatType.id,
          number: vatType.number,
          name: vatType.name,
          percentage: vatType.percentage,
        })),
      };
    } catch (error) {
      throw this.explain(error);
    }
  }

  async createAccount(companyId: string, body: CreateAccountDto): Promise<AccountOption> {
    const client = await this.clients.forCompany(companyId);
    const existing = await client
      .listAccounts({ number: String(body.number), fields: ACCOUNT_FIELDS })
      .catch((error: unknown) => {
        throw this.explain(error);
      });
    const [taken] = existing.values ?? [];
    if (taken) throw OnboardingErrors.accountExists(body.number, accountOption(taken));
    try {
      return accountOption(await client.createAccount({ number: body.number, name: body.name }));
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Every department of the company, active or not, by number. */
  async departments(companyId: string): Promise<{ values: DepartmentOption[] }> {
    const client = await this.clients.forCompany(companyId);
    try {
      const departments = await client.listDepartments({
        fields: DEPARTMENT_FIELDS,
        sorting: 'departmentNumber',
      });
      return { values: departments.map(departmentOption) };
    } catch (error) {
      throw explainTripletexFailure(error, DEPARTMENTS);
    }
  }

  /** Creates a department (e.g. one per location); Tripletex's refusal (a number in use) explained. */
  async createDepartment(companyId: string, body: CreateDepartmentDto): Promise<DepartmentOption> {
    const client = await this.clients.forCompany(companyId);
    try {
      return departmentOption(
        await client.createDepartment({
          name: body.name,
          ...(body.number === undefined ? {} : { departmentNumber: body.number }),
        }),
      );
    } catch (error) {
      throw explainTripletexFailure(error, DEPARTMENTS);
    }
  }

  private explain(error: unknown): AppError {
    return explainTripletexFailure(error, CHART_OF_ACCOUNTS);
  }
}
