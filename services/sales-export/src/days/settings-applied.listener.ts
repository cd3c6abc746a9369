import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { EntityManager } from 'typeorm';
import { DayLifecycle } from './day.lifecycle';
import { ExportWorker } from './export.worker';

/**
 * A company's new settings (integration.config.v1, stored by libs/company-settings): its stopped
 * days get another try and its open days follow the cut-off, in the transaction that stores the
 * settings; an active company's days are looked at right after.
 */
@Injectable()
export class SettingsAppliedListener implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly lifecycle: DayLifecycle,
    private readonly worker: ExportWorker,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, previous, tx) => this.applied(next, previous, tx));
  }

  async applied(
    next: IntegrationConfigV1,
    previous: IntegrationConfigV1 | null,
    tx: EntityManager,
  ): Promise<void> {
    await this.lifecycle.settingsChanged(next, previous, tx);
    // After the commit (the worker reads in its own transactions).
    if (next.status === 'ACTIVE') setImmediate(() => this.worker.nudge());
  }
}
