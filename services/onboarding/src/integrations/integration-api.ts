import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
import type { Request } from 'express';

/**
 * A controller of BackOffice's "Company → Integrations → Tripletex" API
 * (`/v1/companies/:companyId/tripletex/…`): every route needs a BackOffice JWT for the company in
 * the path.
 */
export function IntegrationApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('Tripletex integration'),
    ApiBearerAuth(),
    ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' }),
    UseGuards(BackOfficeAuthGuard),
    Controller('v1/companies/:companyId/tripletex'),
  );
}

/** The request id, passed on as the correlation id of the events a request causes. */
export const requestId = (req: Request): string | undefined =>
  (req as Request & { id?: string }).id;
