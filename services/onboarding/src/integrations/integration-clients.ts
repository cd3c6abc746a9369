import { Injectable } from '@nestjs/common';
import { CompanyClients, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { OnboardingErrors } from '../onboarding.errors';
import { IntegrationEntity } from './entities/integration.entity';
import { IntegrationLifecycle } from './integration.lifecycle';

/** Tripletex as the company's stored employee token sees it: the one place that opens the token. */
@Injectable()
export class IntegrationClients {
  constructor(
    private readonly clients: CompanyClients,
    private readonly lifecycle: IntegrationLifecycle,
  ) {}

  /** ONBOARDING.TOKEN_REQUIRED while no token is stored. */
  of(integration: IntegrationEntity): TripletexCompanyClient {
    return this.clients.forCompany(
      integration.companyId,
      {
        keyId: integration.tokenKeyId ?? undefined,
        value: integration.tokenCiphertext ?? undefined,
      },
      () => OnboardingErrors.tokenRequired(),
    );
  }

  async forCompany(companyId: string): Promise<TripletexCompanyClient> {
    return this.of(await this.lifecycle.load(companyId));
  }

  /** Drops the company's Tripletex session: its token was replaced or deleted. */
  forget(companyId: string): void {
    this.clients.forget(companyId);
  }
}
