import { Injectable } from '@nestjs/common';
import { Actor } from '@pos-tripletex/platform';
import { LocationMapping } from '../integrations/entities/integration.entity';
import { IntegrationLifecycle } from '../integrations/integration.lifecycle';
import { OnboardingErrors } from '../onboarding.errors';
import { LocationsDto } from './dto/wizard.dto';
import { locationProblems, MappingChecker } from './mapping-checker';
import { refuseDuplicates } from './step-rules';
import { WizardService } from './wizard.service';
import { IntegrationView } from './wizard.view';

/**
 * Optional step: a Tripletex department for each POS location (every posting of the location's
 * day voucher, and its invoice orders, carry it). Each department must exist and be active; it is
 * stored with its number and name, read from Tripletex. Needed only by a company with several
 * locations, or one whose chosen accounts require a department (checked at finish, and when a
 * live integration changes).
 */
@Injectable()
export class LocationsStep {
  constructor(
    private readonly wizard: WizardService,
    private readonly lifecycle: IntegrationLifecycle,
    private readonly checker: MappingChecker,
  ) {}

  async save(
    companyId: string,
    dto: LocationsDto,
    actor: Actor,
    correlationId?: string,
  ): Promise<IntegrationView> {
    refuseDuplicates(
      'locations',
      dto.locations.map((location) => location.locationId),
    );
    const integration = await this.lifecycle.load(companyId);
    if (dto.locations.length > 0 && !integration.tokenCiphertext)
      throw OnboardingErrors.tokenRequired();
    const departments = await this.checker.departments(
      integration,
      dto.locations.map((location) => location.departmentId),
    );
    const locations: LocationMapping[] = dto.locations.map((location) => {
      const department = departments.get(location.departmentId);
      return {
        locationId: location.locationId,
        name: location.name ?? null,
        departmentId: location.departmentId,
        departmentNumber: department?.departmentNumber ?? null,
        departmentName: department?.name ?? null,
      };
    });
    const problems = locationProblems(locations, departments);
    if (problems.length) throw OnboardingErrors.invalidMapping(problems);
    return this.wizard.saveStep(
      companyId,
      'locations',
      (changed) => {
        changed.locations = locations;
      },
      actor,
      correlationId,
    );
  }
}
