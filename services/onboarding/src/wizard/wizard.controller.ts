import { Body, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, BackOfficeUser, CurrentUser } from '@pos-tripletex/platform';
import type { Request } from 'express';
import { IntegrationApi, requestId } from '../integrations/integration-api';
import {
  InvoicingDto,
  LocationsDto,
  OtherEventsDto,
  PaymentMethodsDto,
  ProductGroupsDto,
  StartDateDto,
  VerifyTokenDto,
} from './dto/wizard.dto';
import { FinishStep } from './finish.step';
import { InvoicingStep } from './invoicing.step';
import { LocationsStep } from './locations.step';
import { MappingsStep } from './mappings.step';
import { StartDateStep } from './start-date.step';
import { TokenStep } from './token.step';
import { WizardService } from './wizard.service';

/**
 * The wizard of "Company → Integrations → Tripletex": the steps in order, finish, later changes
 * (the same routes) and deactivation. Every change is recorded in the audit trail with the
 * token's `sub` (a token without one cannot change anything: 401 AUTH.NO_SUBJECT).
 */
@IntegrationApi()
export class WizardController {
  constructor(
    private readonly wizard: WizardService,
    private readonly token: TokenStep,
    private readonly startDate: StartDateStep,
    private readonly mappings: MappingsStep,
    private readonly invoicing: InvoicingStep,
    private readonly locations: LocationsStep,
    private readonly finishing: FinishStep,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The integration: status, wizard progress and settings (never the token).',
  })
  get(@Param('companyId') companyId: string) {
    return this.wizard.get(companyId);
  }

  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Step 1: verify the employee token and store it encrypted.' })
  @ApiOkResponse({
    description:
      'Who the token belongs to, the company, and warnings such as a missing bank account number.',
  })
  @ApiUnprocessableEntityResponse({
    description: 'ONBOARDING.TOKEN_INVALID or ONBOARDING.MISSING_ACCESS, in plain words.',
  })
  verifyToken(
    @Param('companyId') companyId: string,
    @Body() body: VerifyTokenDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.token.verify(companyId, body.employeeToken, Actor.user(user), requestId(req));
  }

  @Put('start-date')
  @ApiOperation({ summary: 'Step 2: first business day to export (not in the future).' })
  setStartDate(
    @Param('companyId') companyId: string,
    @Body() body: StartDateDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.startDate.save(companyId, body, Actor.user(user), requestId(req));
  }

  @Put('payment-methods')
  @ApiOperation({
    summary: 'Step 3: an account for each POS payment method (the Invoice method needs none).',
  })
  setPaymentMethods(
    @Param('companyId') companyId: string,
    @Body() body: PaymentMethodsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.mappings.savePaymentMethods(companyId, body, Actor.user(user), requestId(req));
  }

  @Put('product-groups')
  @ApiOperation({ summary: 'Step 4: an account for each product group, eat-in.' })
  setProductGroups(
    @Param('companyId') companyId: string,
    @Body() body: ProductGroupsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.mappings.saveProductGroups(
      companyId,
      false,
      body,
      Actor.user(user),
      requestId(req),
    );
  }

  @Put('product-groups-takeaway')
  @ApiOperation({
    summary: 'Step 5: an account for each product group, takeaway (often another VAT rate).',
  })
  setProductGroupsTakeaway(
    @Param('companyId') companyId: string,
    @Body() body: ProductGroupsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.mappings.saveProductGroups(companyId, true, body, Actor.user(user), requestId(req));
  }

  @Put('other-events')
  @ApiOperation({
    summary:
      'Step 6: accounts for tips, rounding, cash differences and gift cards sold (null: none).',
  })
  setOtherEvents(
    @Param('companyId') companyId: string,
    @Body() body: OtherEventsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.mappings.saveOtherEvents(companyId, body, Actor.user(user), requestId(req));
  }

  @Put('invoicing')
  @ApiOperation({
    summary: 'Step 7: invoicing and collective invoicing (refused without a bank account number).',
  })
  setInvoicing(
    @Param('companyId') companyId: string,
    @Body() body: InvoicingDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.invoicing.save(companyId, body, Actor.user(user), requestId(req));
  }

  @Put('locations')
  @ApiOperation({
    summary:
      'Optional step: a Tripletex department for each POS location (needed when a chosen account requires a department).',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'ONBOARDING.INVALID_MAPPING with details.problems: DEPARTMENT_UNKNOWN or DEPARTMENT_INACTIVE naming the location; on a live integration also ACCOUNT_REQUIRES_DEPARTMENT naming the account.',
  })
  setLocations(
    @Param('companyId') companyId: string,
    @Body() body: LocationsDto,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.locations.save(companyId, body, Actor.user(user), requestId(req));
  }

  @Post('finish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Step 8: check everything against Tripletex, activate, publish the settings.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'ONBOARDING.INCOMPLETE with details.problems: step, POS id, account number, code (e.g. ACCOUNT_REQUIRES_DEPARTMENT, ACCOUNT_REQUIRES_PROJECT, DEPARTMENT_UNKNOWN), message.',
  })
  finish(
    @Param('companyId') companyId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.finishing.finish(companyId, Actor.user(user), requestId(req));
  }

  @Post('deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate the integration and delete the stored token (reconnect with a new token).',
  })
  deactivate(
    @Param('companyId') companyId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.wizard.deactivate(companyId, Actor.user(user), requestId(req));
  }
}
