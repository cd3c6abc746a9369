import { Injectable, Logger } from '@nestjs/common';
import { AppError, describeError } from '@pos-tripletex/platform';
import { TripletexClient } from '@pos-tripletex/tripletex';
import { createHash } from 'node:crypto';
import { VerifiedToken } from '../integrations/integration.lifecycle';
import {
  CHART_OF_ACCOUNTS,
  explainTripletexFailure,
  OnboardingErrorCodes,
} from '../onboarding.errors';

/**
 * Checks an employee token the way Tripletex will be used with it: a session from the
 * deployment's consumer token and this employee token, whoAmI, the company, and the bank account
 * (without its number Tripletex cannot invoice). Every failure becomes a plain-words AppError.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);

  constructor(private readonly tripletex: TripletexClient) {}

  async verify(employeeToken: string): Promise<VerifiedToken> {
    // A key per token: the check never reuses a session of a company's previous token.
    const key = `verify:${createHash('sha256').update(employeeToken).digest('hex').slice(0, 32)}`;
    const client = this.tripletex.company({ key, employeeToken });
    try {
      const me = await client.whoAmI();
      const tripletexCompanyId = me.companyId as number;
      const company = await this.step('the company settings', () =>
        client.getCompany(tripletexCompanyId, 'id,name,organizationNumber'),
      );
      const bank = await this.step(CHART_OF_ACCOUNTS, () => client.bankAccountStatus());
      return {
        tripletexCompanyId,
        companyName: company.name ?? '',
        organizationNumber: company.organizationNumber ?? null,
        employeeId: me.employeeId as number,
        bankAccountRegistered: bank.registered,
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
