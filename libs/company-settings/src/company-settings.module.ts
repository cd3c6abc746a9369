import { Module } from '@nestjs/common';
import { CompanySettingsConsumer } from './company-settings.consumer';
import { CompanySettingsService } from './company-settings.service';

/**
 * Keeps the service's replica of integration.config.v1 (compacted, key = companyId). Needs
 * MessagingModule (which provisions the topic when the service lists it under `consumes`).
 */
@Module({
  controllers: [CompanySettingsConsumer],
  providers: [CompanySettingsService],
  exports: [CompanySettingsService],
})
export class CompanySettingsModule {}
