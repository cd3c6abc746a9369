import { Injectable } from '@nestjs/common';
import {
  Account,
  ACCOUNT_RULE_FIELDS,
  accountRefusal,
  outgoingVatNumber,
} from '@pos-tripletex/tripletex';
import type { IntegrationEntity, WizardStep } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { CHART_OF_ACCOUNTS, explainTripletexFailure, StepProblem } from '../onboarding.errors';

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
 * required account not chosen or unknown, or one Tripletex would refuse for its use
 * (`accountRefusal`: inactive, a customer/supplier/employee sub-ledger account, VAT-locked to
 * another code, or the group's code not among its legal VAT types).
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
    // The same rule the voucher builder checks each posting with (libs/tripletex account-rules).
    const refusal = accountRefusal(account, {
      vatNumber: item.vatRate === undefined ? null : (outgoingVatNumber(item.vatRate) as string),
    });
    if (refusal) {
      const sold = item.vatRate === undefined ? '' : `, sold at ${item.vatRate} %`;
      problems.push({
        ...where,
        accountNumber: account.number,
        code: refusal.code,
        message: `${refusal.reason[0].toUpperCase()}${refusal.reason.slice(1)}: chosen for ${item.label}${sold}. Choose another account.`,
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
      const found = await this.clients.of(integration).accountsByIds(ids, ACCOUNT_RULE_FIELDS);
      return mappingProblems(
        chosen,
        new Map(found.map((account) => [account.id as number, account])),
      );
    } catch (error) {
      throw explainTripletexFailure(error, CHART_OF_ACCOUNTS);
    }
  }
}
