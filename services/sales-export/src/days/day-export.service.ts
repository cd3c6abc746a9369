import { Injectable } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { classifyFailure } from '@pos-tripletex/tripletex';
import { failureOf, SalesExportErrors } from '../sales-export.errors';
import { paymentsTotal } from '../vouchers/day-totals';
import { VoucherEntity, VoucherStatuses } from '../vouchers/entities/voucher.entity';
import { isClosedPeriodRefusal } from '../vouchers/posting-date';
import { VoucherPlanner } from '../vouchers/voucher.planner';
import { LeaseCheck, VoucherPoster } from '../vouchers/voucher.poster';
import { inEffect, totalsOf, VouchersRepository } from '../vouchers/vouchers.repository';
import type { DayKey } from './day-key';
import type { DayOutcome } from './day.lifecycle';
import { DayStatuses } from './day-statuses';
import { DaysRepository } from './days.repository';

/**
 * Exports one claimed day. First it finishes any voucher an earlier pass recorded but did not see
 * through (VoucherPoster looks it up before posting); then, on a re-export request, it reverses
 * the vouchers in effect; then it posts what the VoucherPlanner says the day needs now. Every
 * failure becomes an outcome (libs/tripletex's classification in this service's words), which
 * the worker hands to DayLifecycle.finish.
 */
@Injectable()
export class DayExportService {
  constructor(
    private readonly days: DaysRepository,
    private readonly vouchers: VouchersRepository,
    private readonly planner: VoucherPlanner,
    private readonly poster: VoucherPoster,
    private readonly settings: CompanySettingsService,
  ) {}

  /**
   * `lease` (the worker's hold on the day) is checked right before every voucher call: a worker
   * that lost the day gives up without posting.
   */
  async export(key: DayKey, lease?: LeaseCheck): Promise<DayOutcome> {
    const config = await this.settings.get(key.companyId);
    if (!config || config.status !== 'ACTIVE')
      return { status: 'RETRY', afterMs: 60_000, error: 'the integration is not active' };
    try {
      const client = this.planner.client(config);
      // The voucher this pass put (or found) in Tripletex, for the status event.
      let latest: VoucherEntity | undefined;
      const pending = (await this.vouchers.ofDay(key)).filter(
        (voucher) => voucher.status === VoucherStatuses.PENDING,
      );
      for (const voucher of pending) {
        const done = await this.poster.complete(client, voucher, lease);
        if (done.kind !== 'REVERSAL') latest = done;
      }
      const reexportSeen = (await this.days.get(key)).reexportRequestedAt;
      if (reexportSeen) {
        for (const voucher of inEffect(await this.vouchers.ofDay(key))) {
          await this.poster.complete(client, await this.poster.recordReversal(key, voucher), lease);
        }
      }
      const plan = await this.planner.plan(key, config, client);
      const { reconciliation } = plan.snapshot;
      if (plan.kind === null) {
        return {
          reconciliation,
          status: plan.inEffect.length ? DayStatuses.POSTED : DayStatuses.NOTHING_TO_POST,
          revision: plan.snapshot.revision,
          postedGross: paymentsTotal(totalsOf(plan.inEffect)),
          voucher: latest,
          reexportSeen,
        };
      }
      if (plan.unmapped.length) {
        return {
          reconciliation,
          status: DayStatuses.UNMAPPED,
          unmapped: plan.unmapped,
          ...failureOf(SalesExportErrors.unmapped(plan.unmapped)),
        };
      }
      if (!plan.voucher) {
        return {
          reconciliation,
          status: DayStatuses.FAILED,
          ...failureOf(SalesExportErrors.invalidVoucher(plan.problems)),
        };
      }
      const recorded = await this.poster.record(key, plan, config);
      const posted = await this.poster.complete(client, recorded, lease);
      return {
        reconciliation,
        status: DayStatuses.POSTED,
        revision: plan.snapshot.revision,
        postedGross: paymentsTotal(totalsOf(inEffect(await this.vouchers.ofDay(key)))),
        voucher: posted,
        reexportSeen,
      };
    } catch (error) {
      return this.outcomeOf(error);
    }
  }

  /** Tripletex's classification (libs/tripletex) in this service's words. */
  private outcomeOf(error: unknown): DayOutcome {
    const failure = classifyFailure(error);
    switch (failure.kind) {
      case 'retry':
        return { status: 'RETRY', afterMs: failure.afterMs, error: failure.message };
      case 'token-rejected':
        return {
          status: 'RETRY',
          afterMs: failure.afterMs,
          error: failure.message,
          unauthorized: true,
        };
      case 'final':
        // The period closed between the look-up and the post: the next pass dates it anew.
        if (failure.refusal === 'refused' && isClosedPeriodRefusal(failure.message))
          return { status: 'RETRY', afterMs: 60_000, error: failure.message };
        if (failure.refusal === 'app')
          return { status: DayStatuses.FAILED, code: failure.code, reason: failure.message };
        if (failure.refusal === 'forbidden')
          return {
            status: DayStatuses.FAILED,
            ...failureOf(SalesExportErrors.missingAccess(failure.message)),
          };
        return {
          status: DayStatuses.FAILED,
          ...failureOf(SalesExportErrors.tripletexRejected(failure.message)),
        };
    }
  }
}
