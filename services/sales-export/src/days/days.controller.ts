import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  BackOfficeAuthGuard,
  BackOfficeUser,
  CurrentUser,
  requestIdOf,
} from '@pos-tripletex/platform';
import type { Request } from 'express';
import { DaysService } from './days.service';
import { DayParamsDto, DaysQueryDto, GapsQueryDto } from './dto/days-query.dto';

const keyOf = (params: DayParamsDto) => ({
  companyId: params.companyId,
  locationId: params.locationId,
  businessDay: params.businessDay,
});

/** Export status per day, voucher previews, gaps, backfill progress and re-export (own company only). */
@ApiTags('Sales export')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/sales-export')
export class DaysController {
  constructor(private readonly days: DaysService) {}

  @Get('days')
  @ApiOperation({
    summary:
      'Business days with their export status, newest first: `{ total, from, count, values }`.',
  })
  list(@Param('companyId') companyId: string, @Query() query: DaysQueryDto) {
    return this.days.list(companyId, query);
  }

  @Get('days/:locationId/:businessDay')
  @ApiOperation({ summary: 'One day: status, receipts, Z-report, and every voucher made for it.' })
  get(@Param() params: DayParamsDto) {
    return this.days.day(keyOf(params));
  }

  @Get('days/:locationId/:businessDay/preview')
  @ApiOperation({
    summary:
      'The voucher the day needs now, exactly as it would be sent to Tripletex (or why it cannot be made).',
  })
  preview(@Param() params: DayParamsDto) {
    return this.days.preview(keyOf(params));
  }

  @Post('days/:locationId/:businessDay/re-export')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Export the day again: its vouchers are reversed in Tripletex and a new one is posted with the current mappings. Recorded in the audit trail (`day.reexport.requested`); a token without `sub` is refused (401 AUTH.NO_SUBJECT).',
  })
  reexport(
    @Param() params: DayParamsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.days.requestReexport(keyOf(params), Actor.user(user), requestIdOf(req));
  }

  @Get('gaps')
  @ApiOperation({
    summary:
      'Days from the start date with sales but no voucher yet (not exported, unmapped or failed), oldest first: `{ startDate, total, from, count, values }`.',
  })
  gaps(@Param('companyId') companyId: string, @Query() query: GapsQueryDto) {
    return this.days.gaps(companyId, query);
  }

  @Get('backfill')
  @ApiOperation({
    summary:
      'Progress of exporting the days from the start date: days with sales, exported, waiting, stopped.',
  })
  backfill(@Param('companyId') companyId: string) {
    return this.days.backfill(companyId);
  }
}
