import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  BackOfficeAuthGuard,
  BackOfficeUser,
  CurrentUser,
  requestIdOf,
} from '@pos-tripletex/platform';
import type { Request } from 'express';
import { CollectiveService } from './collective.service';
import { CollectiveQueryDto } from './dto/collective-query.dto';

/** Collective invoicing on demand: what the next run will invoice, and running it now. */
@ApiTags('Invoices')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/collective-invoices')
export class CollectiveController {
  constructor(private readonly collective: CollectiveService) {}

  @Get('preview')
  @ApiOperation({ summary: 'What the next collective run will invoice, per customer.' })
  preview(@Param('companyId') companyId: string, @Query() query: CollectiveQueryDto) {
    return this.collective.preview(companyId, undefined, query.customerId);
  }

  @Post('run')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Invoice every open order now, one invoice per customer. Each new run is recorded in the audit trail (`collective.run.requested`); a token without `sub` is refused (401 AUTH.NO_SUBJECT).',
  })
  async run(
    @Param('companyId') companyId: string,
    @Query() query: CollectiveQueryDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    const actor = Actor.user(user);
    return {
      results: await this.collective.run(
        companyId,
        actor,
        undefined,
        query.customerId,
        requestIdOf(req),
      ),
    };
  }
}
