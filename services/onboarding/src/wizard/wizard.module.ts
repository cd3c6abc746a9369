import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { EntitlementCheck } from './entitlement-check';
import { FinishStep } from './finish.step';
import { InvoicingStep } from './invoicing.step';
import { LocationsStep } from './locations.step';
import { MappingChecker } from './mapping-checker';
import { MappingsStep } from './mappings.step';
import { StartDateStep } from './start-date.step';
import { TokenStep } from './token.step';
import { TokenVerifier } from './token-verifier';
import { WizardController } from './wizard.controller';
import { WizardService } from './wizard.service';

/**
 * The BackOffice wizard: token, start date, mappings, invoicing, locations (optional), finish;
 * later changes; deactivation.
 */
@Module({
  imports: [IntegrationsModule],
  controllers: [WizardController],
  providers: [
    WizardService,
    TokenStep,
    StartDateStep,
    MappingsStep,
    InvoicingStep,
    LocationsStep,
    FinishStep,
    TokenVerifier,
    MappingChecker,
    EntitlementCheck,
  ],
  exports: [TokenVerifier, EntitlementCheck],
})
export class WizardModule {}
