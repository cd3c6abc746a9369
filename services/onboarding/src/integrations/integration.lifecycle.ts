import { Injectable } from '@nestjs/common';
import { Actor, AuditTrail, EncryptedSecret, staleSecretSql } from '@pos-tripletex/platform';
import type { AlertInput } from '@pos-tripletex/messaging';
import { DataSource, EntityManager } from 'typeorm';
import { OnboardingErrors } from '../onboarding.errors';
import {
  DEFAULT_INVOICING,
  DEFAULT_SALES_EXPORT,
  IntegrationEntity,
  WizardStep,
} from './entities/integration.entity';
import { auditedState, INTEGRATION_TARGET } from './integration-audit';
import { IntegrationStatuses, isLive } from './integration-status';
import { IntegrationPublisher } from './integration.publisher';
import { TokenProblem, tokenProblemAlerts, tokenWorksAlerts } from './token.alerts';
import { markStepDone, missingSteps } from './wizard-progress';

/** What Tripletex said about an employee token that works. */
export interface VerifiedToken {
  tripletexCompanyId: number;
  companyName: string;
  organizationNumber: string | null;
  employeeId: number;
  bankAccountRegistered: boolean;
}

/** The outcome of storing a verified token: the integration and what changed besides the token. */
export interface TokenStored {
  integration: IntegrationEntity;
  /** The token belongs to another Tripletex company: the chosen accounts were cleared. */
  mappingsCleared: boolean;
  /** Invoicing was on, but Tripletex has no bank account number: invoicing was turned off. */
  invoicingTurnedOff: boolean;
}

/** What a re-verification found. */
export interface ReverificationOutcome {
  /** Why the integration needs attention, in plain words; null: the token works. */
  problem: string | null;
  /** What kind of problem it is (its alert); absent when there is none. */
  found?: TokenProblem;
  bankAccountRegistered: boolean;
}

/** Seals a company's token again with the active key; null leaves it as it is (see TokenRotation). */
export type Reseal = (companyId: string, sealed: EncryptedSecret) => EncryptedSecret | null;

/**
 * The integration aggregate's state machine and its only SQL: a draft (ONBOARDING) created by
 * the first token, wizard steps saved, ACTIVE on finish, INACTIVE on deactivation (token
 * deleted), NEEDS_ATTENTION when Tripletex refuses the token and ACTIVE again when it works. Each
 * method is one transition in one transaction, locking the company's row; a change to a live (or
 * once published) integration publishes integration.config.v1 in that same transaction, and a
 * change of its state is recorded in the audit trail in that transaction too (with who made it).
 */
@Injectable()
export class IntegrationLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: IntegrationPublisher,
    private readonly audit: AuditTrail,
  ) {}

  /** The company's integration; ONBOARDING.NOT_FOUND before its first token. */
  async load(companyId: string): Promise<IntegrationEntity> {
    const integration = await this.dataSource
      .getRepository(IntegrationEntity)
      .findOne({ where: { companyId } });
    if (!integration) throw OnboardingErrors.notFound(companyId);
    return integration;
  }

  /**
   * Step 1: stores a verified token (sealed), creating the draft on the company's first token.
   * Another Tripletex company than before clears the chosen accounts; reconnecting an INACTIVE
   * or NEEDS_ATTENTION integration makes it ACTIVE again if it was finished before, else a draft.
   */
  storeToken(
    companyId: string,
    verified: VerifiedToken,
    sealed: EncryptedSecret,
    actor: Actor,
    correlationId?: string,
  ): Promise<TokenStored> {
    return this.dataSource.transaction(async (tx) => {
      const existing = await this.lock(tx, companyId);
      const before = auditedState(existing);
      const integration = existing ?? this.draft(tx, companyId);
      let mappingsCleared = false;
      if (
        integration.tripletexCompanyId !== null &&
        integration.tripletexCompanyId !== verified.tripletexCompanyId &&
        integration.completedSteps.length > 1
      ) {
        // Another Tripletex company: its accounts and departments differ, so the mappings no
        // longer apply.
        mappingsCleared = true;
        integration.completedSteps = [];
        integration.paymentMethods = [];
        integration.productGroups = [];
        integration.productGroupsTakeaway = [];
        integration.otherEvents = [];
        integration.locations = [];
        if (integration.status !== IntegrationStatuses.INACTIVE)
          integration.status = IntegrationStatuses.ONBOARDING;
      }
      Object.assign(integration, {
        tripletexCompanyId: verified.tripletexCompanyId,
        tripletexCompanyName: verified.companyName,
        tripletexOrganizationNumber: verified.organizationNumber,
        tripletexEmployeeId: verified.employeeId,
        tokenKeyId: sealed.keyId,
        tokenCiphertext: sealed.value,
        tokenVerifiedAt: new Date(),
        bankAccountRegistered: verified.bankAccountRegistered,
        reverifyRequestedAt: null,
      });
      markStepDone(integration, 'token');
      if (
        integration.status === IntegrationStatuses.INACTIVE ||
        integration.status === IntegrationStatuses.NEEDS_ATTENTION
      ) {
        integration.status =
          integration.activatedAt && missingSteps(integration).length === 0
            ? IntegrationStatuses.ACTIVE
            : IntegrationStatuses.ONBOARDING;
        integration.statusReason = null;
      }
      let invoicingTurnedOff = false;
      if (integration.invoicing.enabled && !verified.bankAccountRegistered) {
        integration.invoicing = { ...integration.invoicing, enabled: false };
        invoicingTurnedOff = true;
      }
      const saved = await tx.getRepository(IntegrationEntity).save(integration);
      if (saved.status === IntegrationStatuses.ACTIVE)
        await this.publishAndSave(tx, saved, correlationId);
      if (existing?.status === IntegrationStatuses.NEEDS_ATTENTION)
        await this.alert(
          tx,
          tokenWorksAlerts(companyId, 'A new, verified employee token is stored.'),
          correlationId,
        );
      const reactivated =
        existing?.status === IntegrationStatuses.INACTIVE &&
        saved.status === IntegrationStatuses.ACTIVE;
      await this.record(tx, saved, {
        action: reactivated ? 'integration.reactivated' : 'wizard.token.updated',
        before,
        actor,
        correlationId,
        // A new token is a change even when Tripletex says the same about it.
        always: true,
        secrets: [sealed.value],
      });
      return { integration: saved, mappingsCleared, invoicingTurnedOff };
    });
  }

  /** Steps 2–7 and locations: one section saved; published at once when the integration is live. */
  saveStep(
    companyId: string,
    step: WizardStep,
    apply: (integration: IntegrationEntity) => void,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationEntity> {
    return this.dataSource.transaction(async (tx) => {
      const integration = await this.lockExisting(tx, companyId);
      const before = auditedState(integration);
      apply(integration);
      markStepDone(integration, step);
      await this.save(tx, integration, isLive(integration.status), correlationId);
      await this.record(tx, integration, {
        action: `wizard.${step}.updated`,
        before,
        actor,
        correlationId,
      });
      return integration;
    });
  }

  /** Tripletex has no bank account number for the company (found when invoicing was asked for). */
  async recordNoBankAccount(companyId: string): Promise<void> {
    await this.dataSource
      .getRepository(IntegrationEntity)
      .update({ companyId }, { bankAccountRegistered: false });
  }

  /** Step 8: every check passed; ACTIVE, and the settings published. */
  activate(companyId: string, actor: Actor, correlationId?: string): Promise<IntegrationEntity> {
    return this.dataSource.transaction(async (tx) => {
      const integration = await this.lockExisting(tx, companyId);
      const before = auditedState(integration);
      integration.status = IntegrationStatuses.ACTIVE;
      integration.statusReason = null;
      integration.activatedAt ??= new Date();
      await this.publishAndSave(tx, integration, correlationId);
      await this.record(tx, integration, {
        action: 'integration.activated',
        before,
        actor,
        correlationId,
      });
      return integration;
    });
  }

  /** INACTIVE with the token deleted; published if any version was published before. */
  deactivate(companyId: string, actor: Actor, correlationId?: string): Promise<IntegrationEntity> {
    return this.dataSource.transaction(async (tx) => {
      const integration = await this.lockExisting(tx, companyId);
      const before = auditedState(integration);
      const wasPublished = integration.configVersion > 0;
      Object.assign(integration, {
        status: IntegrationStatuses.INACTIVE,
        statusReason: 'deactivated in BackOffice',
        tokenKeyId: null,
        tokenCiphertext: null,
        tokenVerifiedAt: null,
      });
      integration.completedSteps = integration.completedSteps.filter((step) => step !== 'token');
      await this.save(tx, integration, wasPublished, correlationId);
      await this.record(tx, integration, {
        action: 'integration.deactivated',
        before,
        actor,
        correlationId,
      });
      return integration;
    });
  }

  /**
   * Records a re-verification: NEEDS_ATTENTION with the problem (a draft stays a draft), ACTIVE
   * again when a token that needed attention works. A change of status is published if the
   * integration was ever published. Only a change of status is recorded in the audit trail (a
   * check that changes nothing else, the hourly one, is not a change of the settings).
   */
  recordReverification(
    companyId: string,
    outcome: ReverificationOutcome,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationEntity> {
    return this.dataSource.transaction(async (tx) => {
      const integration = await this.lockExisting(tx, companyId);
      const audited = auditedState(integration);
      const statusBefore = integration.status;
      const { problem } = outcome;
      if (!problem) integration.tokenVerifiedAt = new Date();
      integration.bankAccountRegistered = outcome.bankAccountRegistered;
      integration.reverifyRequestedAt = null;
      const before = this.fingerprint(integration);
      if (problem && integration.status !== IntegrationStatuses.ONBOARDING) {
        integration.status = IntegrationStatuses.NEEDS_ATTENTION;
        integration.statusReason = problem;
      } else if (!problem && integration.status === IntegrationStatuses.NEEDS_ATTENTION) {
        integration.status = IntegrationStatuses.ACTIVE;
        integration.statusReason = null;
      }
      const changed = before !== this.fingerprint(integration);
      await this.save(tx, integration, changed && integration.configVersion > 0, correlationId);
      // A live integration's token problem is an alert (a draft's is the wizard's to show); the
      // alert resolves when a check finds the token working again.
      if (problem && integration.status === IntegrationStatuses.NEEDS_ATTENTION)
        await this.alert(
          tx,
          tokenProblemAlerts(companyId, outcome.found ?? { kind: 'TOKEN_REFUSED' }, problem),
          correlationId,
        );
      else if (!problem && statusBefore === IntegrationStatuses.NEEDS_ATTENTION)
        await this.alert(
          tx,
          tokenWorksAlerts(companyId, 'A new check found the token working again.'),
          correlationId,
        );
      if (changed)
        await this.record(tx, integration, {
          action:
            integration.status === IntegrationStatuses.NEEDS_ATTENTION
              ? 'integration.needs-attention'
              : 'integration.recovered',
          before: audited,
          actor,
          correlationId,
        });
      return integration;
    });
  }

  /** integration.alerts.v1 in the transition's transaction (token.alerts.ts says which). */
  private alert(tx: EntityManager, alerts: AlertInput[], correlationId?: string): Promise<void> {
    return this.publisher.alerts(tx, alerts, correlationId);
  }

  /**
   * Claims up to `limit` companies whose token is due for a check (asked for by a service, or not
   * checked for `olderThanMs`), each for `leaseSeconds`: no other instance takes it meanwhile, and a
   * check that could not be made is not tried again before the lease ends.
   */
  async claimDueForReverification(
    olderThanMs: number,
    limit: number,
    leaseSeconds: number,
  ): Promise<string[]> {
    const rows = await this.dataSource.query<{ company_id: string }[]>(
      `WITH claimed AS (UPDATE integrations claim SET reverify_lease_until = now() + make_interval(secs => $3)
       WHERE claim.company_id IN (
         SELECT company_id FROM integrations
         WHERE token_ciphertext IS NOT NULL AND status <> $4
           AND (reverify_lease_until IS NULL OR reverify_lease_until < now())
           AND (reverify_requested_at IS NOT NULL OR token_verified_at IS NULL OR token_verified_at < now() - make_interval(secs => $1))
         ORDER BY reverify_requested_at NULLS LAST, token_verified_at NULLS FIRST
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
         AND (claim.reverify_lease_until IS NULL OR claim.reverify_lease_until < now())
       RETURNING claim.company_id) SELECT company_id FROM claimed`,
      [olderThanMs / 1000, limit, leaseSeconds, IntegrationStatuses.INACTIVE],
    );
    return rows.map((row) => row.company_id);
  }

  /**
   * Key rotation: the stale tokens (sealed with another key than `activeKeyId`, or in the legacy
   * format) of up to `limit` companies after `after`, in company order, each row locked – one
   * another transaction holds is skipped (SKIP LOCKED: another instance's pass, or a wizard step
   * that is storing a new token) – and re-sealed by `reseal` (null: left as it is). A live
   * integration's re-sealed token is published as its next version in the same transaction, so
   * the other services' copies follow before the old key may go.
   */
  resealStaleTokens(
    activeKeyId: string,
    page: { after: string; limit: number },
    reseal: Reseal,
  ): Promise<{ keys: string[]; resealed: number }> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(IntegrationEntity);
      const rows = await tx.query<{ company_id: string }[]>(
        `SELECT company_id FROM integrations
         WHERE company_id > $2 AND ${staleSecretSql('token_key_id', 'token_ciphertext', '$1')}
         ORDER BY company_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [activeKeyId, page.after, page.limit],
      );
      let resealed = 0;
      for (const { company_id: companyId } of rows) {
        const integration = await repo.findOneByOrFail({ companyId });
        const token = reseal(companyId, {
          keyId: integration.tokenKeyId as string,
          value: integration.tokenCiphertext as string,
        });
        if (!token) continue;
        integration.tokenKeyId = token.keyId;
        integration.tokenCiphertext = token.value;
        await this.save(tx, integration, isLive(integration.status), undefined);
        resealed++;
      }
      return { keys: rows.map((row) => row.company_id), resealed };
    });
  }

  /** How many stored tokens are stale (sealed with another key than `activeKeyId`, or legacy). */
  async countStaleTokens(activeKeyId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM integrations
       WHERE ${staleSecretSql('token_key_id', 'token_ciphertext', '$1')}`,
      [activeKeyId],
    );
    return row.n;
  }

  /** Another service reported a refused token: check it at once (a request clears the lease). */
  async requestReverification(tx: EntityManager, companyId: string): Promise<void> {
    await tx.query(
      'UPDATE integrations SET reverify_requested_at = now(), reverify_lease_until = NULL WHERE company_id = $1',
      [companyId],
    );
  }

  private draft(tx: EntityManager, companyId: string): IntegrationEntity {
    return tx.getRepository(IntegrationEntity).create({
      companyId,
      status: IntegrationStatuses.ONBOARDING,
      completedSteps: [],
      paymentMethods: [],
      productGroups: [],
      productGroupsTakeaway: [],
      otherEvents: [],
      locations: [],
      invoicing: DEFAULT_INVOICING,
      salesExport: DEFAULT_SALES_EXPORT,
      dayCutoffHour: 4,
      configVersion: 0,
      bankAccountRegistered: false,
    });
  }

  /** What a re-verification may change that other services must hear about. */
  private fingerprint(integration: IntegrationEntity): string {
    return `${integration.status}|${integration.statusReason}`;
  }

  private async save(
    tx: EntityManager,
    integration: IntegrationEntity,
    publish: boolean,
    correlationId: string | undefined,
  ): Promise<void> {
    if (publish) await this.publishAndSave(tx, integration, correlationId);
    else await tx.getRepository(IntegrationEntity).save(integration);
  }

  private async publishAndSave(
    tx: EntityManager,
    integration: IntegrationEntity,
    correlationId: string | undefined,
  ): Promise<void> {
    await this.publisher.publish(tx, integration, correlationId);
    await tx.getRepository(IntegrationEntity).save(integration);
  }

  /** The audit record of a transition (`before`: auditedState when the row was locked). */
  private async record(
    tx: EntityManager,
    integration: IntegrationEntity,
    change: {
      action: string;
      before: ReturnType<typeof auditedState>;
      actor: Actor;
      correlationId?: string;
      always?: boolean;
      secrets?: string[];
    },
  ): Promise<void> {
    await this.audit.record(tx, {
      ...change,
      companyId: integration.companyId,
      target: INTEGRATION_TARGET,
      after: auditedState(integration),
    });
  }

  private lock(tx: EntityManager, companyId: string): Promise<IntegrationEntity | null> {
    return tx
      .getRepository(IntegrationEntity)
      .findOne({ where: { companyId }, lock: { mode: 'pessimistic_write' } });
  }

  private async lockExisting(tx: EntityManager, companyId: string): Promise<IntegrationEntity> {
    const integration = await this.lock(tx, companyId);
    if (!integration) throw OnboardingErrors.notFound(companyId);
    return integration;
  }
}
