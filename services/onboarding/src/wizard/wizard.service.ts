import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '@pos-tripletex/platform';
import { IntegrationEntity, WizardStep } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { isLive, IntegrationStatuses } from '../integrations/integration-status';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { OnboardingErrors } from '../onboarding.errors';
import { MappingChecker } from './mapping-checker';
import { IntegrationView, toView } from './wizard.view';

/**
 * What every wizard step after the token shares, plus reading and deactivating the integration.
 * The steps themselves are in `*.step.ts`; the state changes are IntegrationLifecycle's.
 */
@Injectable()
export class WizardService {
  private readonly logger = new Logger(WizardService.name);

  constructor(
    private readonly lifecycle: IntegrationLifecycle,
    private readonly checker: MappingChecker,
    private readonly clients: IntegrationClients,
  ) {}

  async get(companyId: string): Promise<IntegrationView> {
    return toView(await this.lifecycle.load(companyId));
  }

  /**
   * Saves one section (`apply` writes it onto the integration). Needs a token first; a live
   * integration only takes a change that still passes the checks against Tripletex, and
   * publishes it at once.
   */
  async saveStep(
    companyId: string,
    step: WizardStep,
    apply: (integration: IntegrationEntity) => void,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const current = await this.lifecycle.load(companyId);
    if (!current.completedSteps.includes('token') && current.status !== IntegrationStatuses.ACTIVE)
      throw OnboardingErrors.tokenRequired();
    if (isLive(current.status)) {
      const changed = Object.assign(
        Object.create(IntegrationEntity.prototype) as IntegrationEntity,
        current,
      );
      apply(changed);
      const problems = await this.checker.check(changed, [step]);
      if (problems.length) throw OnboardingErrors.invalidMapping(problems);
    }
    return toView(await this.lifecycle.saveStep(companyId, step, apply, actor, correlationId));
  }

  /** Deactivates the integration and deletes the stored token (reconnect with a new token). */
  async deactivate(
    companyId: string,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const integration = await this.lifecycle.deactivate(companyId, actor, correlationId);
    this.clients.forget(companyId);
    this.logger.log({ companyId }, 'Tripletex integration deactivated; token deleted');
    return toView(integration);
  }
}
