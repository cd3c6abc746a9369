import { Injectable } from '@nestjs/common';
import { EncryptedSecret, SecretBox } from '@pos-tripletex/platform';
import { TripletexClient } from '../client/tripletex.client';
import { TripletexCompanyClient } from '../client/tripletex-company.client';

/**
 * A company's Tripletex client from its sealed employee token – the one place that opens the
 * token (bound to the companyId it was sealed for) and keys the client's session cache and
 * concurrency limit by the company. Each service says what a missing token means to it.
 */
@Injectable()
export class CompanyClients {
  constructor(
    private readonly tripletex: TripletexClient,
    private readonly secrets: SecretBox,
  ) {}

  /** Throws `missing()` when there is no sealed token; SecretBox's error when it does not open. */
  forCompany(
    companyId: string,
    sealedToken: Partial<EncryptedSecret> | null | undefined,
    missing: () => Error,
  ): TripletexCompanyClient {
    if (!sealedToken?.keyId || !sealedToken.value) throw missing();
    const employeeToken = this.secrets.open(
      { keyId: sealedToken.keyId, value: sealedToken.value },
      companyId,
    );
    return this.tripletex.company({ key: companyId, employeeToken });
  }

  /** Drops the company's cached session (its token was deleted or replaced). */
  forget(companyId: string): void {
    this.tripletex.forget(companyId);
  }
}
