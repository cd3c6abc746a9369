import { Module } from '@nestjs/common';
import { CompanySettingsConsumer } from './company-settings.consumer';
import { CompanySettingsService } from './company-settings.service';
import { StaleTokenCopies } from './stale-token-copies';
import { TokenRejections } from './token-rejections';

/**
 * Keeps the service's replica of integration.config.v1 (compacted, key = companyId) and reports
 * refused company tokens back to onboarding (TokenRejections); counts its stale token copies for
 * the key rotation (StaleTokenCopies). Needs MessagingModule (which provisions the topic when the
 * service lists it under `consumes`) and SecurityModule (the key ring).
 */
@Module({
  controllers: [CompanySettingsConsumer],
  providers: [CompanySettingsService, TokenRejections, StaleTokenCopies],
  exports: [CompanySettingsService, TokenRejections],
})
export class CompanySettingsModule {}
