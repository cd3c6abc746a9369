import { Injectable } from '@nestjs/common';
import {
  Account,
  ACCOUNT_RULE_FIELDS,
  accountRefusal,
  Department,
  outgoingVatNumber,
} from '@pos-tripletex/tripletex';
import {
  IntegrationEntity,
  LocationMapping,
  WIZARD_STEPS,
  WizardStep,
} from '../integrations/entities/integration.entity';
import { isInvoiceMethod } from './step-rules';
import { IntegrationClients } from '../integrations/integration-clients';
import {
  CHART_OF_ACCOUNTS,
  DEPARTMENTS,
  explainTripletexFailure,
  StepProblem,
} from '../onboarding.errors';

/** What the checks read of an account: `accountRefusal`'s fields (the required dimensions too). */
export const CHECKED_ACCOUNT_FIELDS = ACCOUNT_RULE_FIELDS;

/** What the checks read of a department. */
export const DEPARTMENT_FIELDS = 'id,name,departmentNumber,isInactive';

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
      if (isInvoiceMethod(method)) continue;
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
    const sold = item.vatRate === undefined ? '' : `, sold at ${item.vatRate} %`;
    if (refusal) {
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

const accountLabel = (account: Account) =>
  `${account.number ?? account.id}${account.name ? ` ${account.name}` : ''}`;

/**
 * A chosen account that requires a department (`requiresDepartment`) gets one only from the
 * locations step: at least one POS location must be declared, each with its department (each
 * posting carries its location's department). Each problem names the account and its use.
 */
export function departmentRequirementProblems(
  chosen: ChosenAccount[],
  accounts: ReadonlyMap<number, Account>,
  locations: readonly LocationMapping[],
): StepProblem[] {
  const everyLocationHasOne =
    locations.length > 0 && locations.every((location) => location.departmentId > 0);
  if (everyLocationHasOne) return [];
  const problems: StepProblem[] = [];
  for (const item of chosen) {
    const account = item.accountId === null ? undefined : accounts.get(item.accountId);
    if (account?.requiresDepartment !== true) continue;
    problems.push({
      step: item.step,
      posId: item.posId,
      accountNumber: account.number,
      code: 'ACCOUNT_REQUIRES_DEPARTMENT',
      message: `Account ${accountLabel(account)} requires a department in Tripletex: chosen for ${item.label}. Map each POS location to a department (step "locations"), or choose another account.`,
    });
  }
  return problems;
}

/** Each location's department must exist in Tripletex and be active (`departments` by id). */
export function locationProblems(
  locations: readonly LocationMapping[],
  departments: ReadonlyMap<number, Department>,
): StepProblem[] {
  const problems: StepProblem[] = [];
  for (const location of locations) {
    const label = `location ${location.name ? `"${location.name}" (${location.locationId})` : location.locationId}`;
    const department = departments.get(location.departmentId);
    if (!department) {
      problems.push({
        step: 'locations',
        posId: location.locationId,
        code: 'DEPARTMENT_UNKNOWN',
        message: `Department ${location.departmentNumber ?? location.departmentId} chosen for ${label} does not exist in Tripletex.`,
      });
    } else if (department.isInactive === true) {
      const name = `${department.departmentNumber ?? department.id}${department.name ? ` ${department.name}` : ''}`;
      problems.push({
        step: 'locations',
        posId: location.locationId,
        code: 'DEPARTMENT_INACTIVE',
        message: `Department ${name} is inactive in Tripletex: chosen for ${label}. Choose another department.`,
      });
    }
  }
  return problems;
}

/**
 * Checks chosen accounts against the company's chart of accounts in Tripletex: each must exist and
 * be active, and a product group's account must accept the outgoing VAT code of its rate (VAT-locked
 * accounts, legal VAT types); an account requiring a project is refused, one requiring a
 * department needs every POS location mapped to one. With the locations step, each location's
 * department must exist and be active. Each problem names the step, the POS item and the account
 * or department.
 */
@Injectable()
export class MappingChecker {
  constructor(private readonly clients: IntegrationClients) {}

  async check(
    integration: IntegrationEntity,
    steps: readonly WizardStep[],
  ): Promise<StepProblem[]> {
    const chosen = chosenAccounts(integration, steps);
    // The locations decide for every chosen account whether it gets the department it requires.
    const needDepartment = steps.includes('locations')
      ? chosenAccounts(integration, WIZARD_STEPS)
      : chosen;
    const ids = [...chosen, ...needDepartment]
      .filter((item) => item.accountId !== null)
      .map((item) => item.accountId as number);
    const client = this.clients.of(integration);
    let accounts: Map<number, Account>;
    try {
      const found = await client.accountsByIds(ids, CHECKED_ACCOUNT_FIELDS);
      accounts = new Map(found.map((account) => [account.id as number, account]));
    } catch (error) {
      throw explainTripletexFailure(error, CHART_OF_ACCOUNTS);
    }
    const problems = [
      ...mappingProblems(chosen, accounts),
      ...departmentRequirementProblems(needDepartment, accounts, integration.locations),
    ];
    if (steps.includes('locations')) problems.push(...(await this.locationProblems(integration)));
    return problems;
  }

  /** Each location's department checked in Tripletex (exists, active). */
  async locationProblems(integration: IntegrationEntity): Promise<StepProblem[]> {
    const departments = await this.departments(
      integration,
      integration.locations.map((location) => location.departmentId),
    );
    return locationProblems(integration.locations, departments);
  }

  /** The company's departments with these ids (unknown ids are simply absent). */
  async departments(
    integration: IntegrationEntity,
    ids: number[],
  ): Promise<Map<number, Department>> {
    if (ids.length === 0) return new Map();
    try {
      const found = await this.clients
        .of(integration)
        .listDepartments({ id: [...new Set(ids)].join(','), fields: DEPARTMENT_FIELDS });
      return new Map(found.map((department) => [department.id as number, department]));
    } catch (error) {
      throw explainTripletexFailure(error, DEPARTMENTS);
    }
  }
}
