import { Injectable } from '@nestjs/common';
import { Account, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import type { IntegrationEntity, WizardStep } from './entities/integration.entity';
import type { StepProblem } from './integration.errors';

/** The outgoing VAT code a sale at this rate needs (Tripletex numbers: 12 % is "33"). */
export const VAT_CODE_FOR_RATE: Record<number, string> = { 25: '3', 15: '31', 12: '33', 0: '5' };

interface Chosen {
  step: WizardStep;
  posId: string;
  label: string;
  accountId: number | null;
  accountNumber: number | null;
  vatRate?: number;
  required: boolean;
}

function chosenAccounts(i: IntegrationEntity, steps: readonly WizardStep[]): Chosen[] {
  const out: Chosen[] = [];
  if (steps.includes('payment-methods')) {
    for (const m of i.paymentMethods) {
      out.push({
        step: 'payment-methods',
        posId: m.paymentMethodId,
        label: `payment method "${m.name}"`,
        accountId: m.accountId,
        accountNumber: m.accountNumber,
        required: true,
      });
    }
  }
  for (const [step, list] of [
    ['product-groups', i.productGroups],
    ['product-groups-takeaway', i.productGroupsTakeaway],
  ] as const) {
    if (!steps.includes(step)) continue;
    for (const g of list) {
      out.push({
        step,
        posId: g.productGroupId,
        label: `product group "${g.name}"${step === 'product-groups-takeaway' ? ' (takeaway)' : ''}`,
        accountId: g.accountId,
        accountNumber: g.accountNumber,
        vatRate: g.vatRate,
        required: true,
      });
    }
  }
  if (steps.includes('other-events')) {
    for (const e of i.otherEvents) {
      out.push({
        step: 'other-events',
        posId: e.event,
        label: e.event.toLowerCase().replace('_', ' '),
        accountId: e.accountId,
        accountNumber: e.accountNumber,
        required: false,
      });
    }
  }
  return out;
}

/**
 * Checks chosen accounts against the company's chart of accounts in Tripletex: each must exist and
 * be active, and a product group's account must accept the outgoing VAT code of its rate (VAT-locked
 * accounts, legal VAT types). Each problem names the step, the POS item and the account.
 */
@Injectable()
export class MappingChecker {
  async check(
    tx: TripletexCompanyClient,
    integration: IntegrationEntity,
    steps: readonly WizardStep[],
  ): Promise<StepProblem[]> {
    const chosen = chosenAccounts(integration, steps);
    const problems: StepProblem[] = [];
    for (const c of chosen.filter((c) => c.required && c.accountId === null)) {
      problems.push({
        step: c.step,
        posId: c.posId,
        code: 'ACCOUNT_MISSING',
        message: `Choose an account for ${c.label}.`,
      });
    }
    const ids = chosen.filter((c) => c.accountId !== null).map((c) => c.accountId as number);
    const accounts = new Map<number, Account>(
      (
        await tx.accountsByIds(
          ids,
          'id,number,name,isInactive,vatLocked,vatType(id,number,name),legalVatTypes(id,number)',
        )
      ).map((a) => [a.id as number, a]),
    );
    for (const c of chosen.filter((c) => c.accountId !== null)) {
      const account = accounts.get(c.accountId as number);
      const where = { step: c.step, posId: c.posId, accountNumber: c.accountNumber };
      if (!account) {
        problems.push({
          ...where,
          code: 'ACCOUNT_UNKNOWN',
          message: `Account ${c.accountNumber ?? c.accountId} chosen for ${c.label} does not exist in Tripletex.`,
        });
        continue;
      }
      if (account.isInactive) {
        problems.push({
          ...where,
          accountNumber: account.number,
          code: 'ACCOUNT_INACTIVE',
          message: `Account ${account.number} ${account.name} chosen for ${c.label} is inactive in Tripletex.`,
        });
        continue;
      }
      if (c.vatRate === undefined) continue;
      const code = VAT_CODE_FOR_RATE[c.vatRate];
      const locked = account.vatLocked ? account.vatType : undefined;
      const legal = account.legalVatTypes ?? [];
      if (
        (locked && locked.number !== code) ||
        (legal.length > 0 && !legal.some((v) => v.number === code))
      ) {
        problems.push({
          ...where,
          accountNumber: account.number,
          code: 'ACCOUNT_VAT_LOCKED',
          message: `Account ${account.number} ${account.name} is locked to VAT code ${locked?.number ?? legal.map((v) => v.number).join('/')}, but ${c.label} is sold at ${c.vatRate} % and needs VAT code ${code}. Choose another account.`,
        });
      }
    }
    return problems;
  }
}
