import { SecretBindings } from '@pos-tripletex/platform';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { parseEvent, Topics } from '@pos-tripletex/contracts';
import {
  anIntegrationConfig,
  MediumTest,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/setup';
import { SyncRunLifecycle } from '../../src/sync/sync-run.lifecycle';
import { SyncStateEntity } from '../../src/sync/entities/sync-state.entity';
import { SyncService, SyncTurn } from '../../src/sync/sync.service';

// The medium specs' common ground: customer-sync in-process over its own schema, the broker and a
// sandbox, and companies activated the way integration.config.v1 activates them.

/**
 * customer-sync in-process; its worker stays out of the way (the specs take the turns). The
 * sandbox accepts its http webhook target unless `sandboxEnv` says otherwise.
 */
export function startCustomerSync(
  schema: string,
  options: { env?: Record<string, string>; sandboxEnv?: Record<string, string> } = {},
): Promise<MediumTest> {
  return MediumTest.start({
    schema,
    createDataSource,
    load: () => import('../../src/app.module').then((module) => module.AppModule),
    env: {
      SYNC_PAGE_SIZE: '10',
      SYNC_POLL_SECONDS: '3600',
      // Nothing listens here: the sandbox's own webhook deliveries go nowhere.
      WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9',
      ...options.env,
    },
    sandboxEnv: options.sandboxEnv,
  });
}

export interface ActivatedCompany {
  companyId: string;
  tripletex: SandboxCompany;
  /** The company's sync state as it is now. */
  state(): Promise<SyncStateEntity>;
}

/**
 * A sandbox company with `active` customers named `Kunde 000`, … and `inactive` ones named
 * `Tidligere 0`, …, whose integration.config.v1 (ACTIVE) has just been applied.
 */
export async function activatedCompany(
  medium: MediumTest,
  customers: { active: number; inactive?: number },
): Promise<ActivatedCompany> {
  const companyId = uniqueName('co');
  const tripletex = await medium.sandbox.createCompany({ name: `Kunder ${companyId}` });
  await medium.sandbox.addCustomers(tripletex.companyId, [
    ...Array.from({ length: customers.active }, (_, n) => ({
      name: `Kunde ${String(n).padStart(3, '0')}`,
      email: `k${n}@example.no`,
    })),
    ...Array.from({ length: customers.inactive ?? 0 }, (_, n) => ({
      name: `Tidligere ${n}`,
      isInactive: true,
    })),
  ]);
  await applySettings(medium, companyId, tripletex, { version: 1, status: 'ACTIVE' });
  return {
    companyId,
    tripletex,
    state: async () => (await medium.get(SyncRunLifecycle).load(companyId))!,
  };
}

/** integration.config.v1 for the company, applied as the settings consumer applies it. */
export async function applySettings(
  medium: MediumTest,
  companyId: string,
  tripletex: SandboxCompany,
  settings: { version: number; status: 'ACTIVE' | 'INACTIVE' },
): Promise<void> {
  const config = anIntegrationConfig({
    companyId,
    version: settings.version,
    status: settings.status,
    tripletexCompanyId: tripletex.companyId,
    employeeToken: medium.box.seal(
      tripletex.employeeToken,
      SecretBindings.tripletexToken(companyId),
    ),
    startDate: '2026-11-01',
    mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
  });
  const parsed = parseEvent(Topics.IntegrationConfigV1, JSON.stringify(config));
  if (!parsed.ok) throw new Error(`not a valid settings event: ${JSON.stringify(parsed.problems)}`);
  await medium
    .get(DataSource)
    .transaction((tx) => medium.get(CompanySettingsService).apply(parsed.event, tx));
}

/** The company's outbox rows on a topic (key `companyId` or `companyId:…`), in order. */
export function outboxOf(
  medium: MediumTest,
  topic: string,
  companyId: string,
): Promise<{ key: string; value: string | null; sent_at: Date | null }[]> {
  return medium.schema.query(
    `SELECT key, value, sent_at FROM outbox_messages
     WHERE topic = $1 AND (key = $2 OR starts_with(key, $2 || ':')) ORDER BY id`,
    [topic, companyId],
  );
}

/**
 * One turn as the worker takes it: claims the due companies (the claim decides what is due),
 * gives `companyId` its turn and releases every claim. Null when the company was not due.
 */
export async function workerTurn(medium: MediumTest, companyId: string): Promise<SyncTurn | null> {
  const syncRuns = medium.get(SyncRunLifecycle);
  const claims = await syncRuns.claimDue(100, {
    leaseSeconds: 60,
    changedSinceEverySeconds: Number(medium.env.CHANGED_SINCE_INTERVAL_SECONDS ?? 300),
    settleSeconds: 0,
    webhookCheckSeconds: Number(medium.env.WEBHOOK_CHECK_INTERVAL_SECONDS ?? 600),
    webhooks: true,
  });
  try {
    return claims.some((claim) => claim.companyId === companyId)
      ? await medium.get(SyncService).takeTurn(companyId, heldLease)
      : null;
  } finally {
    for (const claim of claims) await syncRuns.release(claim);
  }
}

/** A lease that is never lost (the spec is the only one working on the company). */
export const heldLease = { lost: false, throwIfLost: (): void => undefined };
