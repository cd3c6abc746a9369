import { Get, Param, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { ApiErrors, BackOfficeApi } from '../http/api-docs';
import { ActorKinds } from './actor';
import {
  AUDIT_PAGE_DEFAULT,
  AUDIT_PAGE_MAX,
  AuditPage,
  AuditRecordView,
  AuditTrail,
} from './audit-trail';

/** One audit record, as the API answers it. */
@ApiSchema({ name: 'AuditRecord' })
export class AuditRecordDto implements AuditRecordView {
  @ApiProperty({ example: '1042', description: 'Record id (a 64-bit integer, as a string).' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt!: Date;

  @ApiProperty({
    enum: Object.values(ActorKinds),
    enumName: 'ActorKind',
    description: "USER: the token's sub; SYSTEM: what in the service.",
  })
  actorKind!: string;

  @ApiProperty({ example: 'user-17' })
  actor!: string;

  @ApiProperty({ example: 'wizard.invoicing.updated' })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'integration' })
  target!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The fields that changed, before (secrets never).',
    example: { enabled: false },
  })
  before!: AuditRecordView['before'];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The fields that changed, after (secrets never).',
    example: { enabled: true },
  })
  after!: AuditRecordView['after'];

  @ApiProperty({ type: String, nullable: true, description: 'The request id that caused it.' })
  correlationId!: string | null;
}

@ApiSchema({ name: 'AuditPage' })
export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: 'integer', example: 1 })
  count!: number;

  @ApiProperty({ type: [AuditRecordDto] })
  values!: AuditRecordDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null: this was the last.',
  })
  nextCursor!: string | null;
}

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
@BackOfficeApi({ tag: 'Audit trail', path: 'v1/companies/:companyId/audit' })
export class AuditController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @ApiOperation({
    summary:
      'Who changed what, and when: this service’s records of changes to the company’s settings and of operator actions, newest first, without secrets.',
  })
  @ApiOkResponse({
    type: AuditPageDto,
    description: 'Newest first; before/after hold only the fields that changed.',
  })
  @ApiErrors(400)
  list(@Param('companyId') companyId: string, @Query() query: AuditQueryDto) {
    return this.audit.page(companyId, query);
  }
}
