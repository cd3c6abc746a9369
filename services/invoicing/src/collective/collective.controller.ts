import { Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  Actor,
  ApiErrors,
  BackOfficeApi,
  BackOfficeUser,
  CurrentUser,
  requestIdOf,
} from '@pos-tripletex/platform';
import type { Request } from 'express';
import { CollectiveService } from './collective.service';
import { CollectivePreviewDto, CollectiveRunDto } from '../invoices/dto/invoice.dto';
import { CollectiveQueryDto } from './dto/collective-query.dto';

/** Collective invoicing on demand: what the next run will invoice, and running it now. */
@BackOfficeApi({ tag: 'Invoices', path: 'v1/companies/:companyId/collective-invoices' })
export class CollectiveController {
  constructor(private readonly collective: CollectiveService) {}

  @Get('preview')
  @ApiOperation({ summary: 'What the next collective run will invoice, per customer.' })
  @ApiOkResponse({ type: CollectivePreviewDto })
  @ApiErrors(400)
  preview(
    @Param('companyId') companyId: string,
    @Query() query: CollectiveQueryDto,
  ): Promise<CollectivePreviewDto> {
    return this.collective.preview(companyId, undefined, query.customerId);
  }

  @Post('run')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Invoice every open order now, one invoice per customer. Each new run is recorded in the audit trail (`collective.run.requested`); a token without `sub` is refused (401 AUTH.NO_SUBJECT).',
  })
  @ApiOkResponse({
    type: CollectiveRunDto,
    description: 'One result per customer; none while invoicing is off for the company.',
  })
  @ApiErrors(400)
  async run(
    @Param('companyId') companyId: string,
    @Query() query: CollectiveQueryDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ): Promise<CollectiveRunDto> {
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
