import { Injectable } from '@nestjs/common';
import { EncryptedSecret, SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { tokenDigest } from '../client/session-tokens';
import { TripletexClient } from '../client/tripletex.client';
import { TripletexCompanyClient } from '../client/tripletex-company.client';

/**
 * A company's Tripletex client from its sealed employee token – the one place that opens the
 * token (bound to the company it was sealed for, as a Tripletex token). The client's key – for
 * its session, cached look-ups, pacing and concurrency limit – is the company *and* a digest of
 * its token (`<companyId>:<digest>`, never the token): an employee token belongs to one Tripletex
 * company, so when a company is re-onboarded with a token of another Tripletex company, the next
 * call in every service uses a new session (and fresh look-ups) of the new Tripletex company at
 * once, without waiting for the old session to expire. Each service says what a missing token means.
 */
@Injectable()
export class CompanyClients {
  /** The key each company's clients use now; a new token's first use forgets the old one. */
  private readonly current = new Map<string, string>();

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
      SecretBindings.tripletexToken(companyId),
    );
    const key = `${companyId}:${tokenDigest(employeeToken)}`;
    const previous = this.current.get(companyId);
    if (previous !== key) {
      if (previous !== undefined) this.tripletex.forget(previous);
      this.current.set(companyId, key);
    }
    return this.tripletex.company({ key, employeeToken });
  }

  /** Drops everything cached for the company, whichever token (its token was deleted or replaced). */
  forget(companyId: string): void {
    this.current.delete(companyId);
    this.tripletex.forget(companyId);
  }
}
