import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
import type { Request } from 'express';
import {
  AccountsQueryDto,
  CreateAccountDto,
  InvoicingDto,
  OtherEventsDto,
  PaymentMethodsDto,
  ProductGroupsDto,
  StartDateDto,
  VerifyTokenDto,
} from './dto/wizard.dto';
import { IntegrationService } from './integration.service';
import { LookupService } from './lookup.service';

const requestId = (req: Request): string | undefined => (req as Request & { id?: string }).id;

/**
 * The BackOffice API of "Company → Integrations → Tripletex": the wizard steps in order, finish,
 * later changes, deactivation and the look-ups that fill its selects. Every route needs a
 * BackOffice JWT for the company in the path.
 */
@ApiTags('Tripletex integration')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/tripletex')
export class IntegrationController {
  constructor(
    private readonly integrations: IntegrationService,
    private readonly lookups: LookupService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The integration: status, wizard progress and settings (never the token).',
  })
  get(@Param('companyId') companyId: string) {
    return this.integrations.get(companyId);
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
    @Req() req: Request,
  ) {
    return this.integrations.verifyToken(companyId, body.employeeToken, requestId(req));
  }

  @Put('start-date')
  @ApiOperation({ summary: 'Step 2: first business day to export (not in the future).' })
  setStartDate(
    @Param('companyId') companyId: string,
    @Body() body: StartDateDto,
    @Req() req: Request,
  ) {
    return this.integrations.setStartDate(companyId, body, requestId(req));
  }

  @Put('payment-methods')
  @ApiOperation({
    summary: 'Step 3: an account for each POS payment method (the Invoice method needs none).',
  })
  setPaymentMethods(
    @Param('companyId') companyId: string,
    @Body() body: PaymentMethodsDto,
    @Req() req: Request,
  ) {
    return this.integrations.setPaymentMethods(companyId, body, requestId(req));
  }

  @Put('product-groups')
  @ApiOperation({ summary: 'Step 4: an account for each product group, eat-in.' })
  setProductGroups(
    @Param('companyId') companyId: string,
    @Body() body: ProductGroupsDto,
    @Req() req: Request,
  ) {
    return this.integrations.setProductGroups(companyId, false, body, requestId(req));
  }

  @Put('product-groups-takeaway')
  @ApiOperation({
    summary: 'Step 5: an account for each product group, takeaway (often another VAT rate).',
  })
  setProductGroupsTakeaway(
    @Param('companyId') companyId: string,
    @Body() body: ProductGroupsDto,
    @Req() req: Request,
  ) {
    return this.integrations.setProductGroups(companyId, true, body, requestId(req));
  }

  @Put('other-events')
  @ApiOperation({
    summary:
      'Step 6: accounts for tips, rounding, cash differences and gift cards sold (null: none).',
  })
  setOtherEvents(
    @Param('companyId') companyId: string,
    @Body() body: OtherEventsDto,
    @Req() req: Request,
  ) {
    return this.integrations.setOtherEvents(companyId, body, requestId(req));
  }

  @Put('invoicing')
  @ApiOperation({
    summary: 'Step 7: invoicing and collective invoicing (refused without a bank account number).',
  })
  setInvoicing(
    @Param('companyId') companyId: string,
    @Body() body: InvoicingDto,
    @Req() req: Request,
  ) {
    return this.integrations.setInvoicing(companyId, body, requestId(req));
  }

  @Post('finish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Step 8: check everything against Tripletex, activate, publish the settings.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'ONBOARDING.INCOMPLETE with details.problems: step, POS id, account number, message.',
  })
  finish(@Param('companyId') companyId: string, @Req() req: Request) {
    return this.integrations.finish(companyId, requestId(req));
  }

  @Post('deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate the integration and delete the stored token (reconnect with a new token).',
  })
  deactivate(@Param('companyId') companyId: string, @Req() req: Request) {
    return this.integrations.deactivate(companyId, requestId(req));
  }

  @Post('reverify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the stored token against Tripletex now.' })
  reverify(@Param('companyId') companyId: string, @Req() req: Request) {
    return this.integrations.reverify(companyId, requestId(req));
  }

  @Get('accounts')
  @ApiOperation({
    summary: 'Tripletex ledger accounts for the selects (search by number prefix or name; paged).',
  })
  accounts(@Param('companyId') companyId: string, @Query() query: AccountsQueryDto) {
    return this.lookups.accounts(companyId, query);
  }

  @Post('accounts')
  @ApiOperation({
    summary: 'Create an account the company lacks (e.g. card clearing, gift cards, tips).',
  })
  createAccount(@Param('companyId') companyId: string, @Body() body: CreateAccountDto) {
    return this.lookups.createAccount(companyId, body);
  }

  @Get('vat-types')
  @ApiOperation({ summary: 'Outgoing VAT types of the company.' })
  vatTypes(@Param('companyId') companyId: string) {
    return this.lookups.vatTypes(companyId);
  }
}
