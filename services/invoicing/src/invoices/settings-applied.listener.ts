import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';

/**
 * A company's settings committed: the requests that came before them (mode UNDECIDED) are due at
 * once, in the settings' transaction, instead of at their next retry, and the requests not yet
 * attempted are dated by the current cut-off (InvoiceRequestLifecycle.settingsApplied); when the
 * company can invoice, requests that failed on its settings or waited for it are taken up again
 * (settingsChanged).
 */
@Injectable()
export class SettingsAppliedListener implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly lifecycle: InvoiceRequestLifecycle,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied(async (next, _previous, tx) => {
      await this.lifecycle.settingsApplied(tx, next.companyId, next.dayCutoffHour);
      await this.lifecycle.settingsChanged(
        tx,
        next.companyId,
        next.status === 'ACTIVE' && next.invoicing.enabled,
      );
    });
  }
}
