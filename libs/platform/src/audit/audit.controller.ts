import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { BackOfficeAuthGuard } from '../security/backoffice-auth';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, AuditTrail } from './audit-trail';

export class AuditQueryDto {
  @ApiPropertyOptional({
    description: '`nextCursor` of the previous page: the records older than it.',
  })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'cursor must be a nextCursor this API answered with' })
  @IsOptional()
  cursor?: string;

  @ApiPropertyOptional({ default: AUDIT_PAGE_DEFAULT, maximum: AUDIT_PAGE_MAX })
  @Max(AUDIT_PAGE_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({ description: 'Only this action, e.g. `wizard.invoicing.updated`.' })
  @Matches(/^[a-z0-9.-]{1,100}$/, {
    message: 'action must be an action code such as wizard.invoicing.updated',
  })
  @IsOptional()
  action?: string;

  @ApiPropertyOptional({ description: 'Only this target, e.g. `days/shop-1/2026-01-05`.' })
  @Matches(/^[\w./:-]{1,200}$/, { message: 'target must be a target as the records name it' })
  @IsOptional()
  target?: string;

  @ApiPropertyOptional({ description: 'Records at or after this instant (ISO 8601).' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  @IsOptional()
  since?: string;

  @ApiPropertyOptional({ description: 'Records before this instant (ISO 8601).' })
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  @IsOptional()
  until?: string;
}

/** `GET /v1/companies/:companyId/audit`: the company's audit trail in this service. */
@ApiTags('Audit trail')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/audit')
export class AuditController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @ApiOperation({
    summary:
      'Who changed what, and when: this service’s records of changes to the company’s settings and of operator actions, newest first, without secrets.',
  })
  @ApiOkResponse({
    description:
      '`{ count, values, nextCursor }`; each value `{ id, occurredAt, actorKind (USER: the token’s sub; SYSTEM: what in the service), actor, action, target, before, after, correlationId }`, before/after holding only the fields that changed.',
  })
  list(@Param('companyId') companyId: string, @Query() query: AuditQueryDto) {
    return this.audit.page(companyId, query);
  }
}
