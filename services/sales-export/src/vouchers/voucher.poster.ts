import { Injectable, Logger } from '@nestjs/common';
import { IntegrationConfigV1, VoucherKind } from '@pos-tripletex/contracts';
import { counter, describeError, TestFaults } from '@pos-tripletex/platform';
import { TripletexCompanyClient, TripletexError, Voucher } from '@pos-tripletex/tripletex';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DayKey } from '../days/day-key';
import { negateTotals } from './day-totals';
import { VoucherEntity, VoucherStatuses } from './entities/voucher.entity';
import { externalVoucherNumber } from './external-number';
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
 * and a deterministic external number) before Tripletex is called; `complete` first looks it up
 * (by its external number, a reversal on the reversed voucher) and only posts what is not there,
 * so a crash between Tripletex's answer and our commit never posts twice.
 */
@Injectable()
export class VoucherPoster {
  private readonly logger = new Logger(VoucherPoster.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly vouchers: VouchersRepository,
    private readonly faults: TestFaults,
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
    await repo.update({ id: pending.id }, { attempts: pending.attempts + 1 });
    let result: Voucher;
    try {
      if (pending.kind === 'REVERSAL') {
        const original = await repo.findOneByOrFail({ id: pending.reversesId as string });
        const current = await client.getVoucher(
          original.tripletexId as number,
          'id,reverseVoucher(id,number,year,tempNumber)',
        );
        if (current.reverseVoucher?.id) result = current.reverseVoucher;
        else {
          lease?.throwIfLost();
          result = await client.reverseVoucher(original.tripletexId as number, pending.businessDay);
        }
      } else {
        const [found] = await client.findVouchersByExternalNumber(
          pending.externalNumber,
          'id,number,year,tempNumber',
        );
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
      `${pending.kind.toLowerCase()} voucher ${result.number || `(awaiting approval, id ${result.id})`} for ${pending.locationId} ${pending.businessDay}`,
    );
    return { ...pending, ...posted };
  }
}
