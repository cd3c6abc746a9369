import { Injectable } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { Actor, osloToday } from '@pos-tripletex/platform';
import { SalesExportErrors } from '../sales-export.errors';
import { describeUnmapped } from '../vouchers/voucher-builder';
import { VoucherPlanner } from '../vouchers/voucher.planner';
import { VouchersRepository } from '../vouchers/vouchers.repository';
import type { DayKey } from './day-key';
import { DayLifecycle } from './day.lifecycle';
import { DayStatuses } from './day-statuses';
import { DaysRepository } from './days.repository';
import { dayView, voucherView } from './dto/day.view';
import { DaysQueryDto, GapsQueryDto } from './dto/days-query.dto';
import { DayEntity } from './entities/day.entity';
import { ExportWorker } from './export.worker';

/** What the BackOffice API answers about a company's days (its own company only). */
@Injectable()
export class DaysService {
  constructor(
    private readonly days: DaysRepository,
    private readonly vouchers: VouchersRepository,
    private readonly planner: VoucherPlanner,
    private readonly settings: CompanySettingsService,
    private readonly lifecycle: DayLifecycle,
    private readonly worker: ExportWorker,
  ) {}

  async list(companyId: string, query: DaysQueryDto) {
    const from = query.from ?? 0;
    const { total, values } = await this.days.page(companyId, query, from, query.count ?? 100);
    const config = await this.settings.get(companyId);
    return {
      total,
      from,
      count: values.length,
      values: values.map((day) => dayView(day, config)),
    };
  }

  async day(key: DayKey) {
    const day = await this.existing(key);
    return {
      ...dayView(day, await this.settings.get(key.companyId)),
      vouchers: (await this.vouchers.ofDay(key)).map(voucherView),
    };
  }

  /** The voucher the day needs now, exactly as it would be sent (or why it cannot be made). */
  async preview(key: DayKey) {
    await this.existing(key);
    const config = await this.settings.get(key.companyId);
    if (!config?.tripletex?.employeeToken) throw SalesExportErrors.notConnected();
    const plan = await this.planner.plan(key, config, this.planner.client(config));
    return {
      kind: plan.kind,
      sales: plan.snapshot.sales,
      totals: plan.snapshot.totals,
      alreadyPosted: plan.inEffect.map(voucherView),
      difference: plan.difference,
      unmapped: plan.unmapped,
      problems: plan.unmapped.length
        ? [`Not mapped yet: ${describeUnmapped(plan.unmapped)}`]
        : plan.problems,
      postingDate: plan.postingDate,
      reconciliation: plan.snapshot.reconciliation,
      voucher: plan.voucher,
    };
  }

  /** Export the day again: its vouchers are reversed and a new one posted (not today's open day). */
  async requestReexport(key: DayKey, actor: Actor, correlationId?: string) {
    const day = await this.existing(key);
    if (key.businessDay >= osloToday() && day.status === DayStatuses.OPEN)
      throw SalesExportErrors.dayOpen();
    const status = await this.lifecycle.requestReexport(key, actor, correlationId);
    this.worker.nudge();
    return { ...key, status, reexportRequested: true };
  }

  async gaps(companyId: string, query: GapsQueryDto) {
    const config = await this.settings.get(companyId);
    const from = query.from ?? 0;
    if (!config?.startDate) return { startDate: null, total: 0, from, count: 0, values: [] };
    const { total, values } = await this.days.withoutVoucher(
      companyId,
      config.startDate,
      from,
      query.count ?? 1000,
    );
    return {
      startDate: config.startDate,
      total,
      from,
      count: values.length,
      values: values.map((day) => dayView(day, config)),
    };
  }

  async backfill(companyId: string) {
    const config = await this.settings.get(companyId);
    if (!config?.startDate)
      return { startDate: null, status: config?.status ?? null, days: 0, exported: 0, pending: 0 };
    const counts = await this.days.backfill(companyId, config.startDate);
    return {
      startDate: config.startDate,
      integrationStatus: config.status,
      days: counts.days,
      exported: counts.exported,
      open: counts.open,
      pending: counts.pending,
      unmapped: counts.unmapped,
      failed: counts.failed,
      percent: counts.days === 0 ? 100 : Math.floor((counts.exported * 100) / counts.days),
      firstPendingDay: counts.firstPendingDay,
      lastExportedDay: counts.lastExportedDay,
    };
  }

  private async existing(key: DayKey): Promise<DayEntity> {
    const day = await this.days.find(key);
    if (!day) throw SalesExportErrors.dayNotFound(key.locationId, key.businessDay);
    return day;
  }
}
