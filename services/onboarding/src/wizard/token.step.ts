import { Injectable, Logger } from '@nestjs/common';
import { Actor, AppError, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { IntegrationEntity } from '../integrations/entities/integration.entity';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import {
  OnboardingErrorCodes,
  OnboardingErrors,
  OnboardingWarnings,
  Warning,
} from '../onboarding.errors';
import { EntitlementCheck } from './entitlement-check';
import { TokenVerifier } from './token-verifier';
import { TokenVerification, toView } from './wizard.view';

/**
 * Step 1: the employee token, verified against Tripletex and stored encrypted – refused, and not
 * stored, when it lacks a right the settings chosen so far need (a later step checks its own).
 */
@Injectable()
export class TokenStep {
  private readonly logger = new Logger(TokenStep.name);

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly secrets: SecretBox,
    private readonly clients: IntegrationClients,
    private readonly entitlements: EntitlementCheck,
  ) {}

  async verify(
    companyId: string,
    employeeToken: string,
    actor: Actor,
    correlationId?: string,
  ): Promise<TokenVerification> {
    const verified = await this.verifier.verify(employeeToken);
    const current = await this.existing(companyId);
    const missing = this.entitlements.problemsOf(
      verified.rights,
      EntitlementCheck.capabilitiesOf(current),
    );
    if (missing.length > 0) throw OnboardingErrors.missingEntitlement(missing);
    const warnings: Warning[] = [];
    if (!verified.bankAccountRegistered) warnings.push(OnboardingWarnings.noBankAccount());
    const stored = await this.lifecycle.storeToken(
      companyId,
      verified,
      this.secrets.seal(employeeToken, SecretBindings.tripletexToken(companyId)),
      actor,
      correlationId,
    );
    if (stored.mappingsCleared)
      warnings.push(OnboardingWarnings.otherTripletexCompany(verified.companyName));
    if (stored.invoicingTurnedOff) warnings.push(OnboardingWarnings.invoicingTurnedOff());
    this.clients.forget(companyId);
    this.logger.log(
      { companyId, tripletexCompanyId: verified.tripletexCompanyId },
      'Tripletex token verified and stored',
    );
    return { integration: toView(stored.integration), warnings };
  }

  /** The company's integration, or null before its first token. */
  private async existing(companyId: string): Promise<IntegrationEntity | null> {
    try {
      return await this.lifecycle.load(companyId);
    } catch (error) {
      if (error instanceof AppError && error.code === OnboardingErrorCodes.NOT_FOUND) return null;
      throw error;
    }
  }
}
