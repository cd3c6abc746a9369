import { Injectable } from '@nestjs/common';
import { Account } from '@pos-tripletex/tripletex';
import type { IntegrationEntity, WizardStep } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { CHART_OF_ACCOUNTS, explainTripletexFailure, StepProblem } from '../onboarding.errors';

/** The outgoing VAT code a sale at this rate needs (Tripletex numbers: 12 % is "33"). */
export const VAT_CODE_FOR_RATE: Record<number, string> = { 25: '3', 15: '31', 12: '33', 0: '5' };

/** An account chosen in the wizard for one POS item. */
export interface ChosenAccount {
  step: WizardStep;
  posId: string;
  label: string;
  accountId: number | null;
  accountNumber: number | null;
  vatRate?: number;
  required: boolean;
}

/** The accounts chosen in `steps`, each with the POS item it is for. */
export function chosenAccounts(
  integration: IntegrationEntity,
  steps: readonly WizardStep[],
): ChosenAccount[] {
  const out: ChosenAccount[] = [];
  if (steps.includes('payment-methods')) {
    for (const method of integration.paymentMethods) {
      out.push({
        step: 'payment-methods',
        posId: method.paymentMethodId,
        label: `payment method "${method.name}"`,
        accountId: method.accountId,
        accountNumber: method.accountNumber,
        required: true,
      });
    }
  }
  for (const [step, list] of [
    ['product-groups', integration.productGroups],
    ['product-groups-takeaway', integration.productGroupsTakeaway],
  ] as const) {
    if (!steps.includes(step)) continue;
    for (const group of list) {
      out.push({
        step,
        posId: group.productGroupId,
        label: `product group "${group.name}"${step === 'product-groups-takeaway' ? ' (takeaway)' : ''}`,
        accountId: group.accountId,
        accountNumber: group.accountNumber,
        vatRate: group.vatRate,
        required: true,
      });
    }
  }
  if (steps.includes('other-events')) {
    for (const event of integration.otherEvents) {
      out.push({
        step: 'other-events',
        posId: event.event,
        label: event.event.toLowerCase().replace('_', ' '),
        accountId: event.accountId,
        accountNumber: event.accountNumber,
        required: false,
      });
    }
  }
  return out;
}

/**
 * What is wrong with the chosen accounts, given the company's chart (`accounts` by id): a
 * required account not chosen, unknown, inactive, or unable to take the VAT code of its group's
 * rate (VAT-locked to another code, or not among its legal VAT types).
 */
export function mappingProblems(
  chosen: ChosenAccount[],
  accounts: ReadonlyMap<number, Account>,
): StepProblem[] {
  const problems: StepProblem[] = [];
  for (const item of chosen.filter((item) => item.required && item.accountId === null)) {
    problems.push({
      step: item.step,
      posId: item.posId,
      code: 'ACCOUNT_MISSING',
      message: `Choose an account for ${item.label}.`,
    });
  }
  for (const item of chosen.filter((item) => item.accountId !== null)) {
    const account = accounts.get(item.accountId as number);
    const where = { step: item.step, posId: item.posId, accountNumber: item.accountNumber };
    if (!account) {
      problems.push({
        ...where,
        code: 'ACCOUNT_UNKNOWN',
        message: `Account ${item.accountNumber ?? item.accountId} chosen for ${item.label} does not exist in Tripletex.`,
      });
      continue;
    }
    if (account.isInactive) {
      problems.push({
        ...where,
        accountNumber: account.number,
        code: 'ACCOUNT_INACTIVE',
        message: `Account ${account.number} ${account.name} chosen for ${item.label} is inactive in Tripletex.`,
      });
      continue;
    }
    if (item.vatRate === undefined) continue;
    const code = VAT_CODE_FOR_RATE[item.vatRate];
    const locked = account.vatLocked ? account.vatType : undefined;
    const legal = account.legalVatTypes ?? [];
    if (
      (locked && locked.number !== code) ||
      (legal.length > 0 && !legal.some((vatType) => vatType.number === code))
    ) {
      problems.push({
        ...where,
        accountNumber: account.number,
        code: 'ACCOUNT_VAT_LOCKED',
        message: `Account ${account.number} ${account.name} is locked to VAT code ${locked?.number ?? legal.map((vatType) => vatType.number).join('/')}, but ${item.label} is sold at ${item.vatRate} % and needs VAT code ${code}. Choose another account.`,
      });
    }
  }
  return problems;
}

/**
 * Checks chosen accounts against the company's chart of accounts in Tripletex: each must exist and
 * be active, and a product group's account must accept the outgoing VAT code of its rate (VAT-locked
 * accounts, legal VAT types). Each problem names the step, the POS item and the account.
 */
@Injectable()
export class MappingChecker {
  constructor(private readonly clients: IntegrationClients) {}

  async check(
    integration: IntegrationEntity,
    steps: readonly WizardStep[],
  ): Promise<StepProblem[]> {
    const chosen = chosenAccounts(integration, steps);
    const ids = chosen
      .filter((item) => item.accountId !== null)
      .map((item) => item.accountId as number);
    try {
      const found = await this.clients
        .of(integration)
        .accountsByIds(
          ids,
          'id,number,name,isInactive,vatLocked,vatType(id,number,name),legalVatTypes(id,number)',
        );
      return mappingProblems(
        chosen,
        new Map(found.map((account) => [account.id as number, account])),
      );
    } catch (error) {
      throw explainTripletexFailure(error, CHART_OF_ACCOUNTS);
    }
  }
}
