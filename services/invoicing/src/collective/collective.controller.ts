import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
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
  @ApiOperation({ summary: 'Invoice every open order now, one invoice per customer.' })
  async run(@Param('companyId') companyId: string, @Query() query: CollectiveQueryDto) {
    return { results: await this.collective.run(companyId, undefined, query.customerId) };
  }
}
