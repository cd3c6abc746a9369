import { Module } from '@nestjs/common';
import { CompanySettingsConsumer } from './company-settings.consumer';
import { CompanySettingsService } from './company-settings.service';
import { TokenRejections } from './token-rejections';

/**
 * Keeps the service's replica of integration.config.v1 (compacted, key = companyId) and reports
 * refused company tokens back to onboarding (TokenRejections). Needs
 * MessagingModule (which provisions the topic when the service lists it under `consumes`).
 */
@Module({
  controllers: [CompanySettingsConsumer],
  providers: [CompanySettingsService, TokenRejections],
  exports: [CompanySettingsService, TokenRejections],
})
export class CompanySettingsModule {}
