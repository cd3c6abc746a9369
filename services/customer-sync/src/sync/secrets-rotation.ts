import { Injectable } from '@nestjs/common';
import {
  EncryptedSecret,
  SecretBinding,
  SecretBindings,
  SecretBox,
  SecretRotation,
} from '@pos-tripletex/platform';
import { CustomerSyncEnv } from '../config/env.schema';
import { SealedSyncSecrets, SyncRunLifecycle } from './sync-run.lifecycle';

/**
 * Key rotation of what `sync_states` keeps sealed: the webhook secrets (the secret header's value
 * and the HMAC secret, which Tripletex holds too – so they are re-sealed, never replaced, and the
 * subscriptions keep working) and the copy of the employee token (kept to delete the
 * subscriptions after a deactivation, when no newer settings version will bring it re-sealed).
 * At start-up and every ENCRYPTION_RESEAL_INTERVAL_SECONDS; `pos_sealed_secrets_stale{store=
 * "sync_states"}` counts what is left.
 */
@Injectable()
export class SyncSecretsRotation extends SecretRotation {
  readonly store = 'sync_states';

  constructor(
    private readonly syncRuns: SyncRunLifecycle,
    private readonly box: SecretBox,
    private readonly env: CustomerSyncEnv,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.env.ENCRYPTION_RESEAL_INTERVAL_SECONDS * 1000;
  }

  countStale(): Promise<number> {
    return this.syncRuns.countStaleSecrets(this.box.activeKeyId);
  }

  resealPage(after: string, limit: number): Promise<{ keys: string[]; resealed: number }> {
    return this.syncRuns.resealStaleSecrets(this.box.activeKeyId, { after, limit }, (c, sealed) =>
      this.resealedOrNull(c, 'the sealed secrets', () => this.resealed(c, sealed)),
    );
  }

  /** Each secret sealed with the active key in the current format (as it is when it already is). */
  private resealed(
    companyId: string,
    { token, webhookSecrets }: SealedSyncSecrets,
  ): SealedSyncSecrets {
    const again = (secret: EncryptedSecret, binding: SecretBinding) =>
      this.box.resealIfStale(secret, binding) ?? secret;
    return {
      token: token && again(token, SecretBindings.tripletexToken(companyId)),
      webhookSecrets: webhookSecrets && {
        authHeader: again(webhookSecrets.authHeader, SecretBindings.webhookAuthHeader(companyId)),
        hmac: again(webhookSecrets.hmac, SecretBindings.webhookHmac(companyId)),
      },
    };
  }
}
