import { Injectable, Logger } from '@nestjs/common';
import { Actor, AppError, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { OnboardingEnv } from '../config/env.schema';
import { IntegrationStatuses } from '../integrations/integration-status';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import type { TokenProblem } from '../integrations/token.alerts';
import { OnboardingErrorCodes, OnboardingErrors } from '../onboarding.errors';
import { EntitlementCheck } from '../wizard/entitlement-check';
import { TokenVerifier } from '../wizard/token-verifier';
import { IntegrationView, toView } from '../wizard/wizard.view';

/** How long a claimed check keeps the company (also the least time between two failed checks). */
export const LEASE_SECONDS = 60;

/**
 * Checks a stored token again, as the wizard checked it: a refused token (or a lost bank account
 * number while invoicing is on, a right the settings need taken away, or another Tripletex
 * company behind it) makes the integration
 * need attention; a token that works brings it back. A check that cannot be made now (Tripletex
 * down, our consumer token refused) changes nothing.
 */
@Injectable()
export class ReverificationService {
  private readonly logger = new Logger(ReverificationService.name);

  constructor(
    private readonly lifecycle: IntegrationLifecycle,
    private readonly verifier: TokenVerifier,
    private readonly secrets: SecretBox,
    private readonly env: OnboardingEnv,
    private readonly entitlements: EntitlementCheck,
  ) {}

  /** Companies due for a check (reported, or not checked for REVERIFY_INTERVAL_HOURS), claimed. */
  claimDue(limit: number): Promise<string[]> {
    return this.lifecycle.claimDueForReverification(
      this.env.REVERIFY_INTERVAL_HOURS * 3600 * 1000,
      limit,
      LEASE_SECONDS,
    );
  }

  /** Another service says Tripletex refused the company's token: check it at once. */
  request(tx: EntityManager, companyId: string): Promise<void> {
    return this.lifecycle.requestReverification(tx, companyId);
  }

  async reverify(
    companyId: string,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    const current = await this.lifecycle.load(companyId);
    if (!current.tokenCiphertext || current.status === IntegrationStatuses.INACTIVE)
      return toView(current);
    const sealed = { keyId: current.tokenKeyId as string, value: current.tokenCiphertext };
    const token = this.secrets.open(sealed, SecretBindings.tripletexToken(companyId));
    let problem: string | null = null;
    let found: TokenProblem | undefined;
    let bankAccountRegistered = current.bankAccountRegistered;
    try {
      const verified = await this.verifier.verify(token);
      bankAccountRegistered = verified.bankAccountRegistered;
      if (verified.tripletexCompanyId !== current.tripletexCompanyId) {
        problem = 'the token now belongs to another Tripletex company';
        found = { kind: 'TOKEN_REFUSED' };
      } else if (current.invoicing.enabled && !verified.bankAccountRegistered) {
        problem = OnboardingErrors.noBankAccount().message;
        found = { kind: 'TOKEN_MISSING_RIGHTS', code: OnboardingErrorCodes.NO_BANK_ACCOUNT };
      } else {
        problem =
          this.entitlements.problemsOf(verified.rights, EntitlementCheck.capabilitiesOf(current))[0]
            ?.message ?? null;
        found = { kind: 'TOKEN_MISSING_RIGHTS', code: OnboardingErrorCodes.MISSING_ENTITLEMENT };
      }
    } catch (error) {
      if (
        error instanceof AppError &&
        !error.retriable &&
        error.code !== OnboardingErrorCodes.CONSUMER_TOKEN_REJECTED
      ) {
        problem = error.message;
        found = { kind: 'TOKEN_REFUSED', code: error.code };
      } else {
        this.logger.warn(
          { companyId },
          `could not re-verify the token now: ${(error as Error).message}`,
        );
        return toView(current);
      }
    }
    const integration = await this.lifecycle.recordReverification(
      companyId,
      { problem, found: problem ? found : undefined, bankAccountRegistered },
      actor,
      correlationId,
    );
    if (problem)
      this.logger.warn({ companyId }, `Tripletex integration needs attention: ${problem}`);
    return toView(integration);
  }
}
