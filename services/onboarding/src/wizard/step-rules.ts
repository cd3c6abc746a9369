import {
  IntegrationEntity,
  PaymentMethodMapping,
  WizardStep,
} from '../integrations/entities/integration.entity';
import { missingSteps } from '../integrations/wizard-progress';
import { OnboardingErrors, StepProblem } from '../onboarding.errors';
import { PaymentMethodMappingDto } from './dto/wizard.dto';

// The wizard's own rules, decided without Tripletex (its checks are MappingChecker's).

/** The start date is a past or present business day (Europe/Oslo `today`). */
export function refuseStartDateInFuture(startDate: string, today: string): void {
  if (startDate > today) throw OnboardingErrors.startDateInFuture(today);
}

/** The POS Invoice method: charged by a Tripletex invoice, so it needs (and has) no account. */
export const isInvoiceMethod = (method: Pick<PaymentMethodMapping, 'method'>): boolean =>
  method.method === 'INVOICE';

/** The POS Invoice method needs no account: Tripletex books invoiced sales on the invoice. */
export function refuseAccountForInvoiceMethod(paymentMethods: PaymentMethodMappingDto[]): void {
  const invoice = paymentMethods.filter(
    (method) => method.method === 'INVOICE' && method.accountId != null,
  );
  if (invoice.length) {
    throw OnboardingErrors.invoiceMethodNeedsNoAccount(
      invoice.map((method) => ({
        step: 'payment-methods',
        posId: method.paymentMethodId,
        code: 'INVOICE_METHOD',
        message: 'Leave the Invoice method without an account.',
      })),
    );
  }
}

/** Each POS item is mapped once per step. */
export function refuseDuplicates(
  step: WizardStep,
  posIds: string[],
  /** What makes an entry unique when not its POS id alone (a product group's VAT rate). */
  keys: string[] = posIds,
): void {
  const seen = new Set<string>();
  const duplicates = keys.flatMap((key, i) =>
    seen.has(key) ? [{ posId: posIds[i], key }] : (seen.add(key), []),
  );
  if (duplicates.length) {
    throw OnboardingErrors.duplicate(
      duplicates[0].key,
      duplicates.map(({ posId, key }) => ({
        step,
        posId,
        code: 'DUPLICATE',
        message: `${key} appears more than once.`,
      })),
    );
  }
}

/** What keeps the wizard from finishing before Tripletex is asked: steps not done, nothing mapped. */
export function completenessProblems(integration: IntegrationEntity): StepProblem[] {
  const problems: StepProblem[] = missingSteps(integration).map((step) => ({
    step,
    code: 'STEP_NOT_DONE',
    message: `Complete the step "${step}".`,
  }));
  if (
    integration.paymentMethods.filter((method) => !isInvoiceMethod(method)).length === 0 &&
    integration.completedSteps.includes('payment-methods')
  ) {
    problems.push({
      step: 'payment-methods',
      code: 'NONE',
      message: 'Map at least one payment method.',
    });
  }
  if (
    integration.productGroups.length + integration.productGroupsTakeaway.length === 0 &&
    integration.completedSteps.includes('product-groups')
  ) {
    problems.push({
      step: 'product-groups',
      code: 'NONE',
      message: 'Map at least one product group.',
    });
  }
  return problems;
}
