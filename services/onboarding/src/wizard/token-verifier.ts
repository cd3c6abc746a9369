import { Injectable, Logger } from '@nestjs/common';
import { AppError, describeError } from '@pos-tripletex/platform';
import { EffectiveEntitlements, TripletexClient } from '@pos-tripletex/tripletex';
import { createHash } from 'node:crypto';
import { VerifiedToken } from '../integrations/integration.lifecycle';
import {
  CHART_OF_ACCOUNTS,
  ENTITLEMENTS,
  explainTripletexFailure,
  OnboardingErrorCodes,
} from '../onboarding.errors';

/** A verified token and what it may effectively do in Tripletex. */
export interface TokenCheck extends VerifiedToken {
  rights: EffectiveEntitlements;
}

/**
 * Checks an employee token the way Tripletex will be used with it: a session from the
 * deployment's consumer token and this employee token, whoAmI, the company, the effective rights
 * (the entitlements of the token's employee and, in a proxy login, of the actual employee: what
 * the chosen settings need is EntitlementCheck's), and the invoice bank account (without its
 * number Tripletex cannot invoice). Every failure becomes a plain-words AppError.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);

  constructor(private readonly tripletex: TripletexClient) {}

  async verify(employeeToken: string): Promise<TokenCheck> {
    // A key per token: the check never reuses a session of a company's previous token.
    const key = `verify:${createHash('sha256').update(employeeToken).digest('hex').slice(0, 32)}`;
    const client = this.tripletex.company({ key, employeeToken });
    try {
      const me = await client.whoAmI();
      const tripletexCompanyId = me.companyId as number;
      const company = await this.step('the company settings', () =>
        client.getCompany(tripletexCompanyId, 'id,name,organizationNumber'),
      );
      const rights = await this.step(ENTITLEMENTS, () => client.effectiveEntitlements(me));
      const bank = await this.step(CHART_OF_ACCOUNTS, () => client.bankAccountStatus());
      return {
        tripletexCompanyId,
        companyName: company.name ?? '',
        organizationNumber: company.organizationNumber ?? null,
        employeeId: me.employeeId as number,
        bankAccountRegistered: bank.registered,
        rights,
      };
    } catch (error) {
      throw this.explain(error);
    } finally {
      this.tripletex.forget(key);
    }
  }

  private async step<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.explain(error, what);
    }
  }

  private explain(error: unknown, what = 'the API'): AppError {
    const problem = explainTripletexFailure(error, what);
    if (problem.code === OnboardingErrorCodes.CONSUMER_TOKEN_REJECTED)
      this.logger.error(
        `Tripletex rejects the deployment's consumer token: ${describeError(error)}`,
      );
    return problem;
  }
}
