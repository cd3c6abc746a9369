import { Injectable, Logger } from '@nestjs/common';
import { IntegrationConfigV1, VoucherKind } from '@pos-tripletex/contracts';
import { addDays, counter, describeError, TestFaults } from '@pos-tripletex/platform';
import { TripletexCompanyClient, TripletexError, Voucher } from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DayKey } from '../days/day-key';
import { negateTotals } from './day-totals';
import { VoucherEntity, VoucherStatuses } from './entities/voucher.entity';
import { externalVoucherNumber } from './external-number';
import { AccountingPeriods, isClosedPeriodRefusal } from './posting-date';
import type { VoucherPlan } from './voucher.planner';
import { nextSeq, VouchersRepository } from './vouchers.repository';

const vouchersMade = counter({
  name: 'pos_sales_export_vouchers_total',
  help: 'Vouchers put into Tripletex (or found there after a crash), by kind',
  labelNames: ['kind'] as const,
});

/** The worker's hold on the day: throws when it is gone (see HeldLease). */
export interface LeaseCheck {
  throwIfLost(): void;
}

/**
 * Puts vouchers into Tripletex exactly once. A voucher is recorded (PENDING, with its exact body
 * and a deterministic external number) before Tripletex is called, and each attempt is counted
 * before it sends anything. A retry (a count above 1) first looks the voucher up (by its external
 * number, a reversal on the reversed voucher) and only posts what is not there, so a crash between
 * Tripletex's answer and our commit never posts twice; the first attempt has nothing to find.
 */
@Injectable()
export class VoucherPoster {
  private readonly logger = new Logger(VoucherPoster.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly vouchers: VouchersRepository,
    private readonly faults: TestFaults,
    private readonly periods: AccountingPeriods,
  ) {}

  /** Records the planned voucher (PENDING) before anything is sent. */
  async record(
    key: DayKey,
    plan: VoucherPlan,
    config: IntegrationConfigV1,
  ): Promise<VoucherEntity> {
    return this.insertPending(key, {
      seq: plan.seq,
      kind: plan.kind as VoucherKind,
      externalNumber: plan.externalNumber as string,
      reversesId: null,
      totals: plan.difference,
      body: plan.voucher,
      dayRevision: plan.snapshot.revision,
      sendToLedger: config.salesExport?.sendToLedger ?? true,
    });
  }

  /** Records the reversal of a voucher in effect (PENDING), for a re-export. */
  async recordReversal(key: DayKey, original: VoucherEntity): Promise<VoucherEntity> {
    const seq = nextSeq(await this.vouchers.ofDay(key));
    const row = await this.insertPending(key, {
      seq,
      kind: 'REVERSAL',
      externalNumber: externalVoucherNumber(key.companyId, key.locationId, key.businessDay, seq),
      reversesId: original.id,
      totals: negateTotals(original.totals),
      body: null,
      dayRevision: original.dayRevision,
      sendToLedger: true,
    });
    this.logger.log(
      { ...key, voucher: original.tripletexId },
      `re-export: reversing voucher ${original.tripletexNumber ?? original.tripletexId} (${original.externalNumber})`,
    );
    return row;
  }

  /** A voucher row as planned: PENDING, nothing sent, nothing known from Tripletex yet. */
  private async insertPending(
    key: DayKey,
    planned: Pick<
      VoucherEntity,
      | 'seq'
      | 'kind'
      | 'externalNumber'
      | 'reversesId'
      | 'totals'
      | 'body'
      | 'dayRevision'
      | 'sendToLedger'
    >,
  ): Promise<VoucherEntity> {
    const repo = this.dataSource.getRepository(VoucherEntity);
    const row = repo.create({
      id: randomUUID(),
      ...key,
      ...planned,
      status: VoucherStatuses.PENDING,
      reversedById: null,
      tripletexId: null,
      tripletexNumber: null,
      tripletexYear: null,
      undoAction: null,
      attempts: 0,
      lastError: null,
      createdAt: new Date(),
      postedAt: null,
    });
    await repo.insert(row);
    return row;
  }

  /**
   * Puts a recorded voucher into Tripletex unless it is there already, and records the result.
   * `lease` is checked right before the call that creates something: a worker that lost the day
   * gives up without posting.
   */
  async complete(
    client: TripletexCompanyClient,
    pending: VoucherEntity,
    lease?: LeaseCheck,
  ): Promise<VoucherEntity> {
    const repo = this.dataSource.getRepository(VoucherEntity);
    // Counted before anything is sent, atomically: the one attempt that reads 1 knows that no
    // attempt before it can have reached Tripletex, so it posts without looking the voucher up
    // first (one call per voucher instead of two); every later attempt looks first.
    // (TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected].)
    const [[counted]] = await this.dataSource.query<[{ attempts: number }[], number]>(
      'UPDATE vouchers SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts',
      [pending.id],
    );
    const firstAttempt = counted?.attempts === 1;
    let result: Voucher;
    let undoAction: VoucherEntity['undoAction'] = null;
    try {
      if (pending.kind === 'REVERSAL') {
        const original = await repo.findOneByOrFail({ id: pending.reversesId as string });
        ({ result, undoAction } = await this.undo(client, original, pending, lease));
      } else {
        const found = firstAttempt ? undefined : await this.lookUp(client, pending);
        if (found) result = found;
        else {
          lease?.throwIfLost();
          result = await client.postVoucher(pending.body as Voucher, {
            sendToLedger: pending.sendToLedger,
          });
        }
      }
    } catch (error) {
      if (error instanceof TripletexError && !error.retriable && !error.outcomeUnknown) {
        // A period closed since the periods were read: the next pass reads them again.
        if (isClosedPeriodRefusal(describeError(error))) this.periods.forget(client);
        // Tripletex refused it, so it does not exist there: the next pass plans afresh.
        await repo.update(
          { id: pending.id },
          { status: VoucherStatuses.ABANDONED, lastError: describeError(error) },
        );
      }
      throw error;
    }
    // The exactly-once fault test dies here: Tripletex has the voucher, we have not recorded it.
    this.faults.afterTripletexCall();
    const posted: Partial<VoucherEntity> = {
      status: VoucherStatuses.POSTED,
      undoAction,
      tripletexId: result.id ?? null,
      tripletexNumber: result.number ? result.number : null,
      tripletexYear: result.year ?? null,
      postedAt: new Date(),
      lastError: null,
    };
    vouchersMade.inc({ kind: pending.kind });
    await this.dataSource.transaction(async (tx) => {
      await tx
        .getRepository(VoucherEntity)
        .update({ id: pending.id, status: VoucherStatuses.PENDING }, posted);
      if (pending.reversesId)
        await tx
          .getRepository(VoucherEntity)
          .update({ id: pending.reversesId }, { reversedById: pending.id });
    });
    this.logger.log(
      {
        companyId: pending.companyId,
        locationId: pending.locationId,
        businessDay: pending.businessDay,
        kind: pending.kind,
        voucher: result.id,
        externalNumber: pending.externalNumber,
      },
      undoAction === 'DELETED'
        ? `re-export: deleted the voucher awaiting approval for ${pending.locationId} ${pending.businessDay}`
        : `${pending.kind.toLowerCase()} voucher ${result.number || `(awaiting approval, id ${result.id})`} for ${pending.locationId} ${pending.businessDay}`,
    );
    return { ...pending, ...posted };
  }

  /**
   * The voucher in Tripletex, if an earlier attempt put it there: by its external number among
   * posted vouchers, and – for one created for approval (sendToLedger=false), which that look-up
   * does not list – among the non-posted vouchers of its date.
   */
  private async lookUp(
    client: TripletexCompanyClient,
    pending: VoucherEntity,
  ): Promise<Voucher | undefined> {
    const fields = 'id,number,year,tempNumber,externalVoucherNumber';
    const [posted] = await client.findVouchersByExternalNumber(pending.externalNumber, fields);
    if (posted || pending.sendToLedger) return posted;
    const date = (pending.body as Voucher).date as string;
    return (await client.nonPostedVouchers(date, addDays(date, 1), fields)).find(
      (voucher) => voucher.externalVoucherNumber === pending.externalNumber,
    );
  }

  /**
   * Undoes a voucher in effect for a re-export: a posted voucher is reversed (dated in an open
   * period, `AccountingPeriods`); one still awaiting approval is deleted, as Tripletex does not
   * reverse a voucher that is not in the ledger. A voucher already reversed, or gone (deleted by
   * an earlier attempt or by the bookkeeper), needs nothing more.
   */
  private async undo(
    client: TripletexCompanyClient,
    original: VoucherEntity,
    pending: VoucherEntity,
    lease?: LeaseCheck,
  ): Promise<{ result: Voucher; undoAction: 'REVERSED' | 'DELETED' }> {
    const id = original.tripletexId as number;
    let current: Voucher | null;
    try {
      current = await client.getVoucher(id, 'id,number,reverseVoucher(id,number,year,tempNumber)');
    } catch (error) {
      if (error instanceof TripletexError && error.status === 404) current = null;
      else throw error;
    }
    if (current === null) return { result: {}, undoAction: 'DELETED' };
    if (current.reverseVoucher?.id)
      return { result: current.reverseVoucher, undoAction: 'REVERSED' };
    lease?.throwIfLost();
    if (!current.number) {
      await client.deleteVoucher(id);
      return { result: {}, undoAction: 'DELETED' };
    }
    const { date } = await this.periods.postingDate(client, pending.businessDay);
    return { result: await client.reverseVoucher(id, date), undoAction: 'REVERSED' };
  }
}
