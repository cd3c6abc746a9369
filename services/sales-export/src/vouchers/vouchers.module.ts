import { Module } from '@nestjs/common';
import { DaySalesRepository } from './day-sales.repository';
import { AccountingPeriods } from './posting-date';
import { VoucherPlanner } from './voucher.planner';
import { VoucherPoster } from './voucher.poster';
import { VouchersRepository } from './vouchers.repository';

/** Vouchers: what a day needs (planner, also for the preview) and putting it into Tripletex once (poster). */
@Module({
  providers: [
    AccountingPeriods,
    DaySalesRepository,
    VouchersRepository,
    VoucherPlanner,
    VoucherPoster,
  ],
  exports: [VouchersRepository, VoucherPlanner, VoucherPoster],
})
export class VouchersModule {}
