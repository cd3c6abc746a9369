import { Module } from '@nestjs/common';
import { CompanySettingsModule } from '@pos-tripletex/company-settings';
import { InvoicesModule } from '../invoices/invoices.module';
import { CheckoutConsumer } from './checkout.consumer';
import { IntakeService } from './intake.service';

/** Checkouts paid by invoice (and refunds of them) in: one invoice request each. */
@Module({
  imports: [CompanySettingsModule, InvoicesModule],
  controllers: [CheckoutConsumer],
  providers: [IntakeService],
})
export class IntakeModule {}
