import { Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import {
  Actor,
  ApiErrors,
  BackOfficeApi,
  BackOfficeUser,
  CurrentUser,
  requestIdOf,
} from '@pos-tripletex/platform';
import type { Request } from 'express';
import { DaysService } from './days.service';
import {
  BackfillDto,
  DayPageDto,
  DayWithVouchersDto,
  GapsDto,
  ReexportDto,
  VoucherPreviewDto,
} from './dto/day.dto';
import { DayParamsDto, DaysQueryDto, GapsQueryDto } from './dto/days-query.dto';

const NO_DAY = {
  status: 404,
  description: 'SALES_EXPORT.NOT_FOUND: no sales are known for that location and day.',
} as const;

/** The day's location and business day in the path. */
function DayPath(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiParam({ name: 'locationId', description: 'The POS location.', example: 'storgata' })(
      target,
      key,
      descriptor,
    );
    ApiParam({
      name: 'businessDay',
      description: 'The business day (YYYY-MM-DD, Europe/Oslo).',
      example: '2026-11-01',
    })(target, key, descriptor);
  };
}

const keyOf = (params: DayParamsDto) => ({
  companyId: params.companyId,
  locationId: params.locationId,
  businessDay: params.businessDay,
});

/** Export status per day, voucher previews, gaps, backfill progress and re-export (own company only). */
@BackOfficeApi({ tag: 'Sales export', path: 'v1/companies/:companyId/sales-export' })
export class DaysController {
  constructor(private readonly days: DaysService) {}

  @Get('days')
  @ApiOperation({
    summary:
      'Business days with their export status, newest first: `{ total, from, count, values }`.',
  })
  @ApiOkResponse({ type: DayPageDto })
  @ApiErrors(400)
  list(@Param('companyId') companyId: string, @Query() query: DaysQueryDto): Promise<DayPageDto> {
    return this.days.list(companyId, query);
  }

  @Get('days/:locationId/:businessDay')
  @ApiOperation({ summary: 'One day: status, receipts, Z-report, and every voucher made for it.' })
  @DayPath()
  @ApiOkResponse({ type: DayWithVouchersDto })
  @ApiErrors(400, NO_DAY)
  get(@Param() params: DayParamsDto): Promise<DayWithVouchersDto> {
    return this.days.day(keyOf(params));
  }

  @Get('days/:locationId/:businessDay/preview')
  @ApiOperation({
    summary:
      'The voucher the day needs now, exactly as it would be sent to Tripletex (or why it cannot be made).',
  })
  @DayPath()
  @ApiOkResponse({ type: VoucherPreviewDto })
  @ApiErrors(
    400,
    NO_DAY,
    {
      status: 409,
      description: 'SALES_EXPORT.NOT_CONNECTED: the integration has no Tripletex token yet.',
    },
    {
      status: 422,
      description:
        'SALES_EXPORT.MISSING_ACCESS or SALES_EXPORT.TRIPLETEX_REJECTED, in plain words.',
    },
    { status: 503, description: 'Tripletex did not answer: try again.' },
  )
  preview(@Param() params: DayParamsDto): Promise<VoucherPreviewDto> {
    return this.days.preview(keyOf(params));
  }

  @Post('days/:locationId/:businessDay/re-export')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Export the day again: its vouchers are reversed in Tripletex and a new one is posted with the current mappings. Recorded in the audit trail (`day.reexport.requested`); a token without `sub` is refused (401 AUTH.NO_SUBJECT).',
  })
  @DayPath()
  @ApiAcceptedResponse({ type: ReexportDto, description: 'Requested; the worker does it.' })
  @ApiErrors(400, NO_DAY, {
    status: 409,
    description: 'SALES_EXPORT.DAY_OPEN: the day is still open; it is exported when it closes.',
  })
  reexport(
    @Param() params: DayParamsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ): Promise<ReexportDto> {
    return this.days.requestReexport(keyOf(params), Actor.user(user), requestIdOf(req));
  }

  @Get('gaps')
  @ApiOperation({
    summary:
      'Days from the start date with sales but no voucher yet (not exported, unmapped or failed), oldest first: `{ startDate, total, from, count, values }`.',
  })
  @ApiOkResponse({ type: GapsDto })
  @ApiErrors(400)
  gaps(@Param('companyId') companyId: string, @Query() query: GapsQueryDto): Promise<GapsDto> {
    return this.days.gaps(companyId, query);
  }

  @Get('backfill')
  @ApiOperation({
    summary:
      'Progress of exporting the days from the start date: days with sales, exported, waiting, stopped.',
  })
  @ApiOkResponse({ type: BackfillDto })
  backfill(@Param('companyId') companyId: string): Promise<BackfillDto> {
    return this.days.backfill(companyId);
  }
}
