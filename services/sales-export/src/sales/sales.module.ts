import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { DaysModule } from '../days/days.module';
import { CheckoutConsumer } from './checkout.consumer';
import { SalesRepository } from './sales.repository';
import { SalesService } from './sales.service';

/** Sales: every checkout stored, reduced to what the accounts need, and counted into its day. */
@Module({
  imports: [CompanySettingsModule, DaysModule],
  providers: [CheckoutConsumer, SalesService, SalesRepository],
})
export class SalesModule {}
