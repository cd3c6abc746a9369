import { Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiErrors, BackOfficeApi } from '@pos-tripletex/platform';
import { SyncService } from '../sync/sync.service';
import { CustomersService } from './customers.service';
import { CustomerDto, CustomerPageDto, ResyncDto, SyncStatusDto } from './dto/customer.dto';
import { CustomersQueryDto } from './dto/customers-query.dto';

const UNKNOWN_COMPANY = {
  status: 404,
  description: 'CUSTOMER_SYNC.UNKNOWN: no settings have arrived for the company yet.',
} as const;

/**
 * BackOffice's Customers page and the POS's customer picker (own company only): the mirror's
 * customers, and where its synchronisation with Tripletex stands.
 */
@BackOfficeApi({ tag: 'Customers', path: 'v1/companies/:companyId/customers' })
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly sync: SyncService,
  ) {}

  // Declared before `:customerId`, which would otherwise take these paths.
  @Get('sync-status')
  @ApiOperation({ summary: 'Where the synchronisation with Tripletex stands.' })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiErrors(UNKNOWN_COMPANY)
  status(@Param('companyId') companyId: string): Promise<SyncStatusDto> {
    return this.sync.status(companyId);
  }

  @Post('resync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync every customer again (also finds deletions webhooks missed).' })
  @ApiAcceptedResponse({ type: ResyncDto, description: 'Requested; the worker runs it.' })
  @ApiErrors({
    status: 409,
    description: 'CUSTOMER_SYNC.NOT_ACTIVE: the integration is not active.',
  })
  async resync(@Param('companyId') companyId: string): Promise<ResyncDto> {
    const fullSync = await this.sync.requestFullSync(companyId);
    return { fullSync };
  }

  @Get()
  @ApiOperation({
    summary:
      'List and search customers (paged with from/count, sorted); inactive ones only on request, deleted ones never.',
  })
  @ApiOkResponse({ type: CustomerPageDto })
  @ApiErrors(400)
  list(
    @Param('companyId') companyId: string,
    @Query() query: CustomersQueryDto,
  ): Promise<CustomerPageDto> {
    return this.customers.list(companyId, query);
  }

  @Get(':customerId')
  @ApiOperation({ summary: 'One customer (deleted ones answer 404).' })
  @ApiParam({ name: 'customerId', description: 'Tripletex customer id.', example: 1000456 })
  @ApiOkResponse({ type: CustomerDto })
  @ApiErrors(
    {
      status: 400,
      description:
        'HTTP_400 "Validation failed (numeric string is expected)": customerId is not a number.',
    },
    { status: 404, description: 'CUSTOMER_SYNC.NOT_FOUND: no such customer (or deleted).' },
  )
  get(
    @Param('companyId') companyId: string,
    @Param('customerId', ParseIntPipe) customerId: number,
  ): Promise<CustomerDto> {
    return this.customers.get(companyId, customerId);
  }
}
