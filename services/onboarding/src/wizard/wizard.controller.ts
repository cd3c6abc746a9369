import { Body, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Actor, ApiErrors, BackOfficeUser, CurrentUser } from '@pos-tripletex/platform';
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
import { IntegrationView, TokenVerification } from './wizard.view';

const SAVED = { type: IntegrationView, description: 'The integration as saved.' };
const NOT_STARTED = {
  status: 404,
  description:
    'ONBOARDING.NOT_FOUND: the company has not started the integration (verify a token first).',
} as const;
const TRIPLETEX_DOWN = {
  status: 503,
  description:
    'ONBOARDING.TRIPLETEX_UNAVAILABLE (try again) or ONBOARDING.CONSUMER_TOKEN_REJECTED (our set-up).',
} as const;
/** A mapping step: accounts checked against the company's chart (step 1's token needed). */
const MAPPING_ERRORS = [
  400,
  NOT_STARTED,
  { status: 409, description: 'ONBOARDING.TOKEN_REQUIRED: verify a token first (step 1).' },
  {
    status: 422,
    description:
      'ONBOARDING.DUPLICATE, ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT, ONBOARDING.INVALID_MAPPING (a live integration) or ONBOARDING.MISSING_ACCESS; `details.problems` names each step, POS id and code.',
  },
  TRIPLETEX_DOWN,
] as const;

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
  @ApiOkResponse({ type: IntegrationView })
  @ApiErrors(NOT_STARTED)
  get(@Param('companyId') companyId: string) {
    return this.wizard.get(companyId);
  }

  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Step 1: verify the employee token and store it encrypted.' })
  @ApiOkResponse({
    type: TokenVerification,
    description:
      'Who the token belongs to, the company, and warnings such as a missing bank account number.',
  })
  @ApiErrors(
    400,
    {
      status: 422,
      description:
        'ONBOARDING.TOKEN_INVALID, ONBOARDING.MISSING_ACCESS or ONBOARDING.MISSING_ENTITLEMENT, in plain words.',
    },
    TRIPLETEX_DOWN,
  )
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
  @ApiOkResponse(SAVED)
  @ApiErrors(
    { status: 400, description: 'VALIDATION_FAILED, or ONBOARDING.START_DATE_IN_FUTURE.' },
    NOT_STARTED,
  )
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
  @ApiOkResponse(SAVED)
  @ApiErrors(...MAPPING_ERRORS)
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
  @ApiOkResponse(SAVED)
  @ApiErrors(...MAPPING_ERRORS)
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
  @ApiOkResponse(SAVED)
  @ApiErrors(...MAPPING_ERRORS)
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
  @ApiOkResponse(SAVED)
  @ApiErrors(...MAPPING_ERRORS)
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
  @ApiOkResponse(SAVED)
  @ApiErrors(
    400,
    NOT_STARTED,
    {
      status: 422,
      description:
        'ONBOARDING.NO_BANK_ACCOUNT (register one in Tripletex) or ONBOARDING.MISSING_ENTITLEMENT.',
    },
    TRIPLETEX_DOWN,
  )
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
  @ApiOkResponse(SAVED)
  @ApiErrors(
    400,
    NOT_STARTED,
    { status: 409, description: 'ONBOARDING.TOKEN_REQUIRED: verify a token first (step 1).' },
    {
      status: 422,
      description:
        'ONBOARDING.INVALID_MAPPING with details.problems: DEPARTMENT_UNKNOWN or DEPARTMENT_INACTIVE naming the location; on a live integration also ACCOUNT_REQUIRES_DEPARTMENT naming the account.',
    },
    TRIPLETEX_DOWN,
  )
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
  @ApiOkResponse({ type: IntegrationView, description: 'The integration, ACTIVE.' })
  @ApiErrors(
    NOT_STARTED,
    {
      status: 422,
      description:
        'ONBOARDING.INCOMPLETE with details.problems: step, POS id, account number, code (e.g. ACCOUNT_REQUIRES_DEPARTMENT, ACCOUNT_REQUIRES_PROJECT, DEPARTMENT_UNKNOWN), message; or ONBOARDING.MISSING_ENTITLEMENT.',
    },
    TRIPLETEX_DOWN,
  )
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
  @ApiOkResponse({ type: IntegrationView, description: 'The integration, INACTIVE.' })
  @ApiErrors(NOT_STARTED)
  deactivate(
    @Param('companyId') companyId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ) {
    return this.wizard.deactivate(companyId, Actor.user(user), requestId(req));
  }
}
