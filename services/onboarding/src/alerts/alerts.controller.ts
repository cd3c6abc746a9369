import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, BackOfficeApi } from '@pos-tripletex/platform';
import { AlertsService } from './alerts.service';
import { AlertPage, AlertsQueryDto } from './dto/alerts.dto';

/** `GET /v1/companies/:companyId/alerts`: what needs a person in the company's integration. */
@BackOfficeApi({ tag: 'Alerts', path: 'v1/companies/:companyId/alerts' })
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary:
      'The company’s alerts – a day that cannot be posted, an invoice that failed, a token Tripletex refuses – one per cause, open ones first, CRITICAL before WARNING, newest first.',
  })
  @ApiOkResponse({ type: AlertPage })
  @ApiErrors({
    status: 400,
    description: 'VALIDATION_FAILED: `state`, `from` or `count` invalid (`errors` names each).',
  })
  list(@Param('companyId') companyId: string, @Query() query: AlertsQueryDto): Promise<AlertPage> {
    return this.alerts.list(companyId, query);
  }
}
