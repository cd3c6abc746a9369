import { CompanySettings1764028800100 } from './company-settings.migration';
import { CompanySettingsStartDate1764547200100 } from './company-settings-start-date.migration';
import { CompanySettingsEntity } from './company-settings.entity';

export {
  CompanySettings1764028800100,
  CompanySettingsStartDate1764547200100,
  CompanySettingsEntity,
};
export * from './company-settings.service';
export * from './company-settings.module';
export * from './token-rejections';
export * from './stale-token-copies';
export * from './account-mappings';

export const companySettingsEntities = [CompanySettingsEntity];
export const companySettingsMigrations = [
  CompanySettings1764028800100,
  CompanySettingsStartDate1764547200100,
];
