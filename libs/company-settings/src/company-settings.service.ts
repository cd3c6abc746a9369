import { Injectable, Logger } from '@nestjs/common';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { CompanySettingsEntity } from './company-settings.entity';

export type SettingsOutcome = 'applied' | 'stale' | 'removed';

/**
 * Called in the same transaction as a newer version is stored, with the version before it (null
 * for a company seen for the first time): a service reacts to activation or deactivation here, so
 * its reaction commits (or not) together with the settings.
 */
export type SettingsListener = (
  next: IntegrationConfigV1,
  previous: IntegrationConfigV1 | null,
  tx: EntityManager,
) => Promise<void>;

/** The advisory-lock class (first key) of a company's settings; the second key is its id's hash. */
const SETTINGS_LOCK_CLASS = 7_401;

/** Reads and maintains this service's copy of each company's integration settings. */
@Injectable()
export class CompanySettingsService {
  private readonly logger = new Logger(CompanySettingsService.name);

  private readonly listeners: SettingsListener[] = [];

  constructor(private readonly dataSource: DataSource) {}

  onApplied(listener: SettingsListener): void {
    this.listeners.push(listener);
  }

  /** Stores the event unless a newer version is already stored (events can arrive out of order after a replay). */
  async apply(event: IntegrationConfigV1, tx: EntityManager): Promise<SettingsOutcome> {
    // Exclusive against `settingsFor`'s shared lock, also for a company with no row yet.
    await tx.query(`SELECT pg_advisory_xact_lock(${SETTINGS_LOCK_CLASS}, hashtext($1))`, [
      event.companyId,
    ]);
    const [before] = await tx.query<{ config: IntegrationConfigV1 }[]>(
      'SELECT config FROM company_settings WHERE company_id = $1 FOR UPDATE',
      [event.companyId],
    );
    const written = await tx.query<unknown[]>(
      `INSERT INTO company_settings (company_id, version, status, config, changed_at, received_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, now())
       ON CONFLICT (company_id) DO UPDATE
         SET version = EXCLUDED.version, status = EXCLUDED.status, config = EXCLUDED.config,
             changed_at = EXCLUDED.changed_at, received_at = now()
         WHERE company_settings.version < EXCLUDED.version
       RETURNING company_id`,
      [event.companyId, event.version, event.status, JSON.stringify(event), event.changedAt],
    );
    const outcome = written.length > 0 ? 'applied' : 'stale';
    if (outcome === 'applied') {
      for (const listener of this.listeners) await listener(event, before?.config ?? null, tx);
    }
    this.logger.log(
      { companyId: event.companyId, version: event.version, status: event.status, outcome },
      `integration settings v${event.version} of ${event.companyId}: ${outcome}`,
    );
    return outcome;
  }

  /** A tombstone on the compacted topic: the company is gone. */
  async remove(companyId: string, tx: EntityManager): Promise<SettingsOutcome> {
    await tx.query('DELETE FROM company_settings WHERE company_id = $1', [companyId]);
    this.logger.log({ companyId }, `integration settings of ${companyId} removed`);
    return 'removed';
  }

  /**
   * The settings of each of these companies that has any (companyId → config), read in the
   * caller's transaction when it passes one. The companies stay share-locked until that
   * transaction ends (an advisory lock, so also a company without settings yet): a newer version
   * waits for it, so its listeners see everything derived from the version read here (a sale's
   * business day from the cut-off, say), never a write still in flight.
   */
  async settingsFor(
    companyIds: readonly string[],
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, IntegrationConfigV1>> {
    if (companyIds.length === 0) return new Map();
    // Shared: many readers at once, but a change of these companies' settings waits for this
    // transaction (the row lock below cannot cover a company whose first settings are on the way).
    await tx.query(
      `SELECT pg_advisory_xact_lock_shared(${SETTINGS_LOCK_CLASS}, hashtext(id))
       FROM (SELECT DISTINCT unnest($1::text[]) AS id ORDER BY 1) ids`,
      [[...new Set(companyIds)]],
    );
    const rows = await tx.query<{ company_id: string; config: IntegrationConfigV1 }[]>(
      'SELECT company_id, config FROM company_settings WHERE company_id = ANY($1)',
      [[...new Set(companyIds)]],
    );
    return new Map(rows.map((row) => [row.company_id, row.config]));
  }

  async get(companyId: string): Promise<IntegrationConfigV1 | null> {
    const row = await this.dataSource
      .getRepository(CompanySettingsEntity)
      .findOne({ where: { companyId } });
    return row?.config ?? null;
  }
}
