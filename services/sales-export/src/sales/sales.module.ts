import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { DaysModule } from '../days/days.module';
import { CheckoutConsumer } from './checkout.consumer';
import { CutoffListener } from './cutoff.listener';
import { SalesRepository } from './sales.repository';
import { SalesService } from './sales.service';

/**
 * Sales: every checkout stored, reduced to what the accounts need, and counted into its day – the
 * day the company's current cut-off gives it.
 */
@Module({
  imports: [CompanySettingsModule, DaysModule],
  providers: [CheckoutConsumer, CutoffListener, SalesService, SalesRepository],
})
export class SalesModule {}
