import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { SecretBox } from '@pos-tripletex/platform';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { SyncStateEntity } from './sync-state.entity';

/**
 * Reacts to integration.config.v1, in the transaction that stores it: an integration that becomes
 * ACTIVE gets webhook subscriptions and a full sync scheduled; one that becomes INACTIVE stops
 * being served and its subscriptions are removed (with the last token we had, kept for that).
 */
@Injectable()
export class CompanyActivation implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly secrets: SecretBox,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, previous, tx) => this.apply(next, previous, tx));
  }

  async apply(
    next: IntegrationConfigV1,
    _previous: IntegrationConfigV1 | null,
    tx: EntityManager,
  ): Promise<void> {
    const repo = tx.getRepository(SyncStateEntity);
    const state =
      (await repo.findOne({
        where: { companyId: next.companyId },
        lock: { mode: 'pessimistic_write' },
      })) ??
      repo.create({
        companyId: next.companyId,
        active: false,
        subscriptionIds: {},
        fullSyncStatus: 'IDLE',
        fullSyncGeneration: 0,
      });
    const token = next.tripletex?.employeeToken;
    const otherCompany =
      state.tripletexCompanyId !== null &&
      next.tripletex?.companyId !== undefined &&
      state.tripletexCompanyId !== next.tripletex.companyId;
    if (next.status === 'ACTIVE') {
      const wasActive = state.active;
      state.active = true;
      state.tripletexCompanyId = next.tripletex?.companyId ?? state.tripletexCompanyId;
      if (token) {
        state.tokenKeyId = token.keyId;
        state.tokenCiphertext = token.value;
      }
      if (!wasActive || otherCompany || Object.keys(state.subscriptionIds).length === 0) {
        state.webhookSecrets = {
          authHeader: this.secrets.seal(randomBytes(32).toString('base64url'), next.companyId),
          hmac: this.secrets.seal(randomBytes(32).toString('base64url'), next.companyId),
        };
        state.needsSubscription = true;
      }
      if (!wasActive || otherCompany || state.fullSyncStatus === 'IDLE')
        this.scheduleFullSync(state);
      state.retryAt = null;
      state.failures = 0;
    } else if (next.status === 'NEEDS_ATTENTION') {
      // Keep everything, but do not call Tripletex until the token works again (a new version comes).
      if (token) {
        state.tokenKeyId = token.keyId;
        state.tokenCiphertext = token.value;
      }
    } else {
      state.active = false;
      state.needsSubscription = false;
      state.needsUnsubscription = Object.keys(state.subscriptionIds).length > 0;
      if (state.fullSyncStatus === 'PENDING' || state.fullSyncStatus === 'RUNNING')
        state.fullSyncStatus = 'IDLE';
    }
    await repo.save(state);
  }

  /** A full sync from the start, with a new generation (it also finds deletions nobody told us of). */
  scheduleFullSync(state: SyncStateEntity): void {
    state.fullSyncStatus = 'PENDING';
    state.fullSyncGeneration += 1;
    state.fullSyncInactivePass = false;
    state.fullSyncFrom = 0;
    state.fullSyncPages = 0;
    state.fullSyncCustomers = 0;
    state.fullSyncStartedAt = null;
    state.fullSyncFinishedAt = null;
  }
}
