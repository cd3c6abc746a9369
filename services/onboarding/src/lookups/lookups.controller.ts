import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '@pos-tripletex/platform';
import { IntegrationApi } from '../integrations/integration-api';
import {
  AccountOptionView,
  AccountPageView,
  AccountsQueryDto,
  CreateAccountDto,
  CreateDepartmentDto,
  DepartmentListView,
  DepartmentOptionView,
  VatTypeListView,
} from './dto/lookups.dto';
import { LookupsService } from './lookups.service';

/** Every look-up reads the company's Tripletex with the stored token. */
const LOOKUP_ERRORS = [
  {
    status: 404,
    description: 'ONBOARDING.NOT_FOUND: the company has not started the integration.',
  },
  { status: 409, description: 'ONBOARDING.TOKEN_REQUIRED: verify a token first (step 1).' },
  {
    status: 422,
    description:
      'ONBOARDING.MISSING_ACCESS (the employee lacks access to that part of Tripletex) or ONBOARDING.TOKEN_INVALID.',
  },
  {
    status: 503,
    description: 'ONBOARDING.TRIPLETEX_UNAVAILABLE: try again in a minute.',
  },
] as const;

/** The look-ups that fill the wizard's selects, from the company's Tripletex. */
@IntegrationApi()
export class LookupsController {
  constructor(private readonly lookups: LookupsService) {}

  @Get('accounts')
  @ApiOperation({
    summary: 'Tripletex ledger accounts for the selects (search by number prefix or name; paged).',
  })
  @ApiOkResponse({ type: AccountPageView })
  @ApiErrors(400, ...LOOKUP_ERRORS)
  accounts(@Param('companyId') companyId: string, @Query() query: AccountsQueryDto) {
    return this.lookups.accounts(companyId, query);
  }

  @Post('accounts')
  @ApiOperation({
    summary: 'Create an account the company lacks (e.g. card clearing, gift cards, tips).',
  })
  @ApiCreatedResponse({ type: AccountOptionView, description: 'The account, created.' })
  @ApiErrors(
    400,
    LOOKUP_ERRORS[0],
    {
      status: 409,
      description:
        'ONBOARDING.ACCOUNT_EXISTS (`details.account` is the existing one: choose it) or ONBOARDING.TOKEN_REQUIRED.',
    },
    {
      status: 422,
      description:
        "ONBOARDING.TRIPLETEX_REFUSED with Tripletex's reason, or ONBOARDING.MISSING_ACCESS.",
    },
    LOOKUP_ERRORS[3],
  )
  createAccount(@Param('companyId') companyId: string, @Body() body: CreateAccountDto) {
    return this.lookups.createAccount(companyId, body);
  }

  @Get('departments')
  @ApiOperation({
    summary:
      "The company's Tripletex departments for the locations step: id, number, name, inactive.",
  })
  @ApiOkResponse({ type: DepartmentListView })
  @ApiErrors(...LOOKUP_ERRORS)
  departments(@Param('companyId') companyId: string) {
    return this.lookups.departments(companyId);
  }

  @Post('departments')
  @ApiOperation({ summary: 'Create a department the company lacks (e.g. one per POS location).' })
  @ApiCreatedResponse({ type: DepartmentOptionView, description: 'The department, created.' })
  @ApiErrors(
    400,
    LOOKUP_ERRORS[0],
    LOOKUP_ERRORS[1],
    {
      status: 422,
      description:
        "ONBOARDING.TRIPLETEX_REFUSED with Tripletex's reason (e.g. the number is in use), or ONBOARDING.MISSING_ACCESS.",
    },
    LOOKUP_ERRORS[3],
  )
  createDepartment(@Param('companyId') companyId: string, @Body() body: CreateDepartmentDto) {
    return this.lookups.createDepartment(companyId, body);
  }

  @Get('vat-types')
  @ApiOperation({ summary: 'Outgoing VAT types of the company.' })
  @ApiOkResponse({ type: VatTypeListView })
  @ApiErrors(...LOOKUP_ERRORS)
  vatTypes(@Param('companyId') companyId: string) {
    return this.lookups.vatTypes(companyId);
  }
}
