import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
import { SyncService } from '../sync/sync.service';
import { CustomersService } from './customers.service';
import { CustomersQueryDto } from './dto/customers-query.dto';

/**
 * BackOffice's Customers page and the POS's customer picker (own company only): the mirror's
 * customers, and where its synchronisation with Tripletex stands.
 */
@ApiTags('Customers')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly sync: SyncService,
  ) {}

  // Declared before `:customerId`, which would otherwise take these paths.
  @Get('sync-status')
  @ApiOperation({ summary: 'Where the synchronisation with Tripletex stands.' })
  status(@Param('companyId') companyId: string) {
    return this.sync.status(companyId);
  }

  @Post('resync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync every customer again (also finds deletions webhooks missed).' })
  async resync(@Param('companyId') companyId: string) {
    const fullSync = await this.sync.requestFullSync(companyId);
    return { fullSync };
  }

  @Get()
  @ApiOperation({
    summary:
      'List and search customers (paged with from/count, sorted); inactive ones only on request, deleted ones never.',
  })
  list(@Param('companyId') companyId: string, @Query() query: CustomersQueryDto) {
    return this.customers.list(companyId, query);
  }

  @Get(':customerId')
  @ApiOperation({ summary: 'One customer (deleted ones answer 404).' })
  get(
    @Param('companyId') companyId: string,
    @Param('customerId', ParseIntPipe) customerId: number,
  ) {
    return this.customers.get(companyId, customerId);
  }
}
