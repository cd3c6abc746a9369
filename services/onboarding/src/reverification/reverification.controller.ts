import { HttpCode, Param, Post, Req } from '@nestjs/common';
import { Actor, ApiErrors, BackOfficeUser, CurrentUser } from '@pos-tripletex/platform';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { IntegrationApi, requestId } from '../integrations/integration-api';
import { IntegrationView } from '../wizard/wizard.view';
import { ReverificationService } from './reverification.service';

/** Checking the stored token on demand (the worker does it on its own schedule). */
@IntegrationApi()
export class ReverificationController {
  constructor(private readonly reverification: ReverificationService) {}

  @Post('reverify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the stored token against Tripletex now.' })
  @ApiOkResponse({
    type: IntegrationView,
    description:
      'The integration after the check: NEEDS_ATTENTION with statusReason when Tripletex refuses the token.',
  })
  @ApiErrors(
    {
      status: 404,
      description: 'ONBOARDING.NOT_FOUND: the company has not started the integration.',
    },
    { status: 503, description: 'ONBOARDING.TRIPLETEX_UNAVAILABLE: try again in a minute.' },
  )
  reverify(
    @Param('companyId') companyId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.reverification.reverify(companyId, Actor.user(user), requestId(req));
  }
}
