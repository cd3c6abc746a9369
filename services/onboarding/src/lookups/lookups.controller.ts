import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IntegrationApi } from '../integrations/integration-api';
import { AccountsQueryDto, CreateAccountDto, CreateDepartmentDto } from './dto/lookups.dto';
import { LookupsService } from './lookups.service';

/** The look-ups that fill the wizard's selects, from the company's Tripletex. */
@IntegrationApi()
export class LookupsController {
  constructor(private readonly lookups: LookupsService) {}

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

  @Get('departments')
  @ApiOperation({
    summary:
      "The company's Tripletex departments for the locations step: id, number, name, inactive.",
  })
  departments(@Param('companyId') companyId: string) {
    return this.lookups.departments(companyId);
  }

  @Post('departments')
  @ApiOperation({ summary: 'Create a department the company lacks (e.g. one per POS location).' })
  @ApiUnprocessableEntityResponse({
    description:
      "ONBOARDING.TRIPLETEX_REFUSED with Tripletex's reason (e.g. the number is in use).",
  })
  createDepartment(@Param('companyId') companyId: string, @Body() body: CreateDepartmentDto) {
    return this.lookups.createDepartment(companyId, body);
  }

  @Get('vat-types')
  @ApiOperation({ summary: 'Outgoing VAT types of the company.' })
  vatTypes(@Param('companyId') companyId: string) {
    return this.lookups.vatTypes(companyId);
  }
}
