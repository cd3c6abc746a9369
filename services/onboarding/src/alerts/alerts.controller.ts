import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
import { AlertsService } from './alerts.service';
import { AlertPage, AlertsQueryDto } from './dto/alerts.dto';

/** `GET /v1/companies/:companyId/alerts`: what needs a person in the company's integration. */
@ApiTags('Alerts')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary:
      'The company’s alerts – a day that cannot be posted, an invoice that failed, a token Tripletex refuses – one per cause, open ones first, CRITICAL before WARNING, newest first.',
  })
  @ApiOkResponse({ type: AlertPage, description: '`{ total, from, count, values }`.' })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED: `state`, `from` or `count` invalid (`errors` names each).',
  })
  @ApiUnauthorizedResponse({
    description: 'AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN, AUTH.TOKEN_EXPIRED, AUTH.NO_COMPANY.',
  })
  @ApiForbiddenResponse({ description: 'AUTH.OTHER_COMPANY: the token is for another company.' })
  list(@Param('companyId') companyId: string, @Query() query: AlertsQueryDto): Promise<AlertPage> {
    return this.alerts.list(companyId, query);
  }
}
