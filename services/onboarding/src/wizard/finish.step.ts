import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '@pos-tripletex/platform';
import { WIZARD_STEPS } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { OnboardingErrors, OnboardingWarnings } from '../onboarding.errors';
import { EntitlementCheck } from './entitlement-check';
import { MappingChecker } from './mapping-checker';
import { completenessProblems } from './step-rules';
import { IntegrationView, toView } from './wizard.view';

/**
 * Step 8: every step checked (done, and against Tripletex as it is now: accounts, and the
 * departments of the optional locations step, which an account requiring a department makes
 * necessary; the token's rights for what the settings make the product do; the invoice bank
 * account), then the integration is activated and its settings published. Refused with every
 * problem found, each naming its step, POS item and account, department or missing right.
 */
@Injectable()
export class FinishStep {
  private readonly logger = new Logger(FinishStep.name);

  constructor(
    private readonly lifecycle: IntegrationLifecycle,
    private readonly checker: MappingChecker,
    private readonly clients: IntegrationClients,
    private readonly entitlements: EntitlementCheck,
  ) {}

  async finish(companyId: string, actor: Actor, correlationId?: string): Promise<IntegrationView> {
    const current = await this.lifecycle.load(companyId);
    const problems = completenessProblems(current);
    problems.push(...(await this.checker.check(current, WIZARD_STEPS)));
    problems.push(
      ...(await this.entitlements.problems(
        this.clients.of(current),
        EntitlementCheck.capabilitiesOf(current),
      )),
    );
    if (current.invoicing.enabled) {
      const bank = await this.clients.of(current).bankAccountStatus();
      if (!bank.registered)
        problems.push({ step: 'invoicing', ...OnboardingWarnings.noBankAccount() });
    }
    if (problems.length > 0) throw OnboardingErrors.incomplete(problems);
    const activated = await this.lifecycle.activate(companyId, actor, correlationId);
    this.logger.log(
      { companyId, configVersion: activated.configVersion },
      'Tripletex integration activated',
    );
    return toView(activated);
  }
}
