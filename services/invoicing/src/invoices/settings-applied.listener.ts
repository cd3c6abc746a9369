import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';

/**
 * A company's settings committed: the requests that came before them (mode UNDECIDED) are due at
 * once, in the settings' transaction, instead of at their next retry, and the requests not yet
 * attempted are dated by the current cut-off (InvoiceRequestLifecycle.settingsApplied).
 */
@Injectable()
export class SettingsAppliedListener implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly lifecycle: InvoiceRequestLifecycle,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, _previous, tx) =>
      this.lifecycle.settingsApplied(tx, next.companyId, next.dayCutoffHour),
    );
  }
}
