import { HttpCode, Param, Post, Req } from '@nestjs/common';
import { Actor, BackOfficeUser, CurrentUser } from '@pos-tripletex/platform';
import { ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { IntegrationApi, requestId } from '../integrations/integration-api';
import { ReverificationService } from './reverification.service';

/** Checking the stored token on demand (the worker does it on its own schedule). */
@IntegrationApi()
export class ReverificationController {
  constructor(private readonly reverification: ReverificationService) {}

  @Post('reverify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the stored token against Tripletex now.' })
  reverify(
    @Param('companyId') companyId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.reverification.reverify(companyId, Actor.user(user), requestId(req));
  }
}
