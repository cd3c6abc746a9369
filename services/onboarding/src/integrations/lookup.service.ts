import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '@pos-tripletex/platform';
import { Account } from '@pos-tripletex/tripletex';
import { AccountsQueryDto, CreateAccountDto } from './dto/wizard.dto';
import { IntegrationService } from './integration.service';
import { explainTripletexFailure } from './integration.errors';

export interface AccountOption {
  id: number;
  number: number;
  name: string;
  vatLocked: boolean;
  vatCode: string | null;
  isBankAccount: boolean;
}

const ACCOUNT_FIELDS = 'id,number,name,isInactive,isBankAccount,vatLocked,vatType(id,number)';

function option(a: Account): AccountOption {
  return {
    id: a.id as number,
    number: a.number as number,
    name: a.name ?? '',
    vatLocked: a.vatLocked === true,
    vatCode: a.vatType?.number ?? null,
    isBankAccount: a.isBankAccount === true,
  };
}

/** What BackOffice's selects need from Tripletex: accounts (searchable, paged) and VAT types. */
@Injectable()
export class LookupService {
  constructor(private readonly integrations: IntegrationService) {}

  async accounts(
    companyId: string,
    query: AccountsQueryDto,
  ): Promise<{ from: number; count: number; hasMore: boolean; values: AccountOption[] }> {
    const tx = await this.integrations.companyClientFor(companyId);
    const from = query.from ?? 0;
    const count = query.count ?? 100;
    const text = query.query?.trim().toLowerCase();
    const matches: AccountOption[] = [];
    let skipped = 0;
    // Tripletex filters accounts by exact numbers only, so search is ours: stream the (small,
    // ~500 accounts) chart page by page and keep one page of matches.
    try {
      for await (const a of tx.iterateAccounts(
        { isInactive: false, fields: ACCOUNT_FIELDS, sorting: 'number' },
        500,
      )) {
        const hit =
          !text || String(a.number).startsWith(text) || (a.name ?? '').toLowerCase().includes(text);
        if (!hit) continue;
        if (skipped < from) {
          skipped++;
          continue;
        }
        if (matches.length === count) return { from, count, hasMore: true, values: matches };
        matches.push(option(a));
      }
    } catch (error) {
      throw this.explain(error);
    }
    return { from, count: matches.length, hasMore: false, values: matches };
  }

  async vatTypes(companyId: string) {
    const tx = await this.integrations.companyClientFor(companyId);
    try {
      const page = await tx.listVatTypes({
        typeOfVat: 'OUTGOING',
        fields: 'id,number,name,percentage',
      });
      return {
        values: (page.values ?? []).map((v) => ({
          id: v.id,
          number: v.number,
          name: v.name,
          percentage: v.percentage,
        })),
      };
    } catch (error) {
      throw this.explain(error);
    }
  }

  async createAccount(companyId: string, body: CreateAccountDto): Promise<AccountOption> {
    const tx = await this.integrations.companyClientFor(companyId);
    const existing = await tx
      .listAccounts({ number: String(body.number), fields: ACCOUNT_FIELDS })
      .catch((e: unknown) => {
        throw this.explain(e);
      });
    if ((existing.values ?? []).length > 0) {
      throw new AppError(
        'ONBOARDING.ACCOUNT_EXISTS',
        `Account ${body.number} already exists in Tripletex: choose it instead.`,
        {
          httpStatus: HttpStatus.CONFLICT,
          details: { account: option(existing.values![0]) },
        },
      );
    }
    try {
      return option(await tx.createAccount({ number: body.number, name: body.name }));
    } catch (error) {
      throw this.explain(error);
    }
  }

  private explain(error: unknown): AppError {
    return explainTripletexFailure(error, 'the chart of accounts');
  }
}
