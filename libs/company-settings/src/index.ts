import { CompanySettings1764028800100 } from './company-settings.migration';
import { CompanySettingsEntity } from './company-settings.entity';

export { CompanySettings1764028800100, CompanySettingsEntity };
export * from './company-settings.service';
export * from './company-settings.module';
export * from './token-rejections';

export const companySettingsEntities = [CompanySettingsEntity];
export const companySettingsMigrations = [CompanySettings1764028800100];
