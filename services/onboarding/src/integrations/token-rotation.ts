import { Injectable } from '@nestjs/common';
import { SecretBindings, SecretBox, SecretRotation } from '@pos-tripletex/platform';
import { OnboardingEnv } from '../config/env.schema';
import { IntegrationLifecycle } from './integration.lifecycle';

/**
 * Key rotation of the stored employee tokens (`integrations`): at start-up and every
 * ENCRYPTION_RESEAL_INTERVAL_SECONDS each token sealed with another key than
 * ENCRYPTION_ACTIVE_KEY_ID (or in the legacy format) is sealed again with the active key, and a
 * live integration publishes it as its next integration.config.v1 version – so every service's
 * copy follows, and the old key can leave the ring once `pos_sealed_secrets_stale` reads 0.
 */
@Injectable()
export class TokenRotation extends SecretRotation {
  readonly store = 'integrations';

  constructor(
    private readonly lifecycle: IntegrationLifecycle,
    private readonly box: SecretBox,
    private readonly env: OnboardingEnv,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.env.ENCRYPTION_RESEAL_INTERVAL_SECONDS * 1000;
  }

  countStale(): Promise<number> {
    return this.lifecycle.countStaleTokens(this.box.activeKeyId);
  }

  resealPage(after: string, limit: number): Promise<{ keys: string[]; resealed: number }> {
    return this.lifecycle.resealStaleTokens(
      this.box.activeKeyId,
      { after, limit },
      (companyId, sealed) =>
        this.resealedOrNull(companyId, 'the employee token', () =>
          this.box.resealIfStale(sealed, SecretBindings.tripletexToken(companyId)),
        ),
    );
  }
}
