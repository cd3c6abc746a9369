import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DayKey } from '../days/day-key';
import { addTotals, DayTotals, emptyTotals } from './day-totals';
import { VoucherEntity, VoucherStatuses } from './entities/voucher.entity';

/** Reads of the vouchers made for a day (VoucherPoster writes them). */
@Injectable()
export class VouchersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every voucher of the day, in the order they were made. */
  ofDay(key: DayKey, tx: EntityManager = this.dataSource.manager): Promise<VoucherEntity[]> {
    return tx.getRepository(VoucherEntity).find({
      where: { companyId: key.companyId, locationId: key.locationId, businessDay: key.businessDay },
      order: { seq: 'ASC' },
    });
  }
}

/** Vouchers in effect: posted, not a reversal, not reversed. */
export const inEffect = (vouchers: VoucherEntity[]) =>
  vouchers.filter(
    (voucher) =>
      voucher.status === VoucherStatuses.POSTED &&
      voucher.kind !== 'REVERSAL' &&
      !voucher.reversedById,
  );

export const totalsOf = (vouchers: VoucherEntity[]): DayTotals =>
  vouchers.reduce((sum, voucher) => addTotals(sum, voucher.totals), emptyTotals());

/** The sequence number of the day's next voucher (part of its external number). */
export const nextSeq = (vouchers: VoucherEntity[]): number =>
  vouchers.reduce((max, voucher) => Math.max(max, voucher.seq + 1), 0);
