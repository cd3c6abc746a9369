import { Injectable, OnModuleInit } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { EntityManager } from 'typeorm';
import { dayBoundaries } from '../days/day-boundaries';
import { DayLifecycle } from '../days/day.lifecycle';
import { SalesRepository } from './sales.repository';

/**
 * Sales follow the company's current cut-off: when it changes – or the company's first settings
 * come after sales stored with the default – the stored sales are moved to the business day it
 * gives them (SalesRepository.followCutoff) and their days recounted (DayLifecycle.cutoffChanged),
 * in the transaction that stores the settings.
 */
@Injectable()
export class CutoffListener implements OnModuleInit {
  constructor(
    private readonly settings: CompanySettingsService,
    private readonly sales: SalesRepository,
    private readonly lifecycle: DayLifecycle,
  ) {}

  onModuleInit(): void {
    this.settings.onApplied((next, previous, tx) => this.applied(next, previous, tx));
  }

  async applied(
    next: IntegrationConfigV1,
    previous: IntegrationConfigV1 | null,
    tx: EntityManager,
  ): Promise<void> {
    const after = dayBoundaries(next);
    if (dayBoundaries(previous).cutoffHour === after.cutoffHour) return;
    await this.lifecycle.cutoffChanged(
      next.companyId,
      after,
      () => this.sales.followCutoff(next.companyId, after.cutoffHour, tx),
      tx,
    );
  }
}
