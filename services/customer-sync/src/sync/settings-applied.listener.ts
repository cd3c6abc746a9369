import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { SyncService } from './sync.service';

/**
 * integration.config.v1 reaches customer-sync here: libs/company-settings stores each newer
 * version and calls this in the same transaction, so what the change means for the sync
 * (SyncService.settingsApplied) commits together with the settings.
 */
@Injectable()
export class SettingsAppliedListener implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly sync: SyncService,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, _previous, tx) => this.sync.settingsApplied(next, tx));
  }
}
