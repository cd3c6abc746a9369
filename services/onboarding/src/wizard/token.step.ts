import { Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '@pos-tripletex/platform';
import { IntegrationClients } from '../integrations/integration-clients';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { OnboardingWarnings, Warning } from '../onboarding.errors';
import { TokenVerifier } from './token-verifier';
import { TokenVerification, toView } from './wizard.view';

/** Step 1: the employee token, verified against Tripletex and stored encrypted. */
@Injectable()
export class TokenStep {
  private readonly logger = new Logger(TokenStep.name);

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly secrets: SecretBox,
    private readonly clients: IntegrationClients,
  ) {}

  async verify(
    companyId: string,
    employeeToken: string,
    correlationId?: string,
  ): Promise<TokenVerification> {
    const verified = await this.verifier.verify(employeeToken);
    const warnings: Warning[] = [];
    if (!verified.bankAccountRegistered) warnings.push(OnboardingWarnings.noBankAccount());
    const stored = await this.lifecycle.storeToken(
      companyId,
      verified,
      this.secrets.seal(employeeToken, companyId),
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
}
