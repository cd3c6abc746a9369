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
import { DataSource } from 'typeorm';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { SyncStateEntity } from '../sync/entities/sync-state.entity';
import { SyncService } from '../sync/sync.service';
import { CustomersQueryDto } from './dto/customers-query.dto';

const SORTS: Record<string, string> = {
  name: 'lower(name) ASC, customer_id',
  '-name': 'lower(name) DESC, customer_id',
  customerNumber: 'customer_number ASC NULLS LAST, customer_id',
  '-customerNumber': 'customer_number DESC NULLS LAST, customer_id',
  updatedAt: 'updated_at ASC, customer_id',
  '-updatedAt': 'updated_at DESC, customer_id',
};

// customer_id is bigint (Tripletex ids are int64); float8 reads it as a JS number, exact below 2^53.
const COLUMNS = `customer_id::float8 AS "customerId", customer_number AS "customerNumber", name,
  organization_number AS "organizationNumber", email, invoice_email AS "invoiceEmail",
  phone_number_mobile AS "phoneNumberMobile", is_inactive AS "isInactive",
  is_private_individual AS "isPrivateIndividual", invoices_due_in AS "invoicesDueIn",
  invoices_due_in_type AS "invoicesDueInType", version, updated_at AS "updatedAt"`;

/** A customer as the API answers it. */
export interface CustomerView {
  customerId: number;
  customerNumber: number | null;
  name: string;
  organizationNumber: string | null;
  email: string | null;
  invoiceEmail: string | null;
  phoneNumberMobile: string | null;
  isInactive: boolean;
  isPrivateIndividual: boolean;
  invoicesDueIn: number | null;
  invoicesDueInType: string | null;
  version: number;
  updatedAt: Date;
}

/** BackOffice's Customers page and the POS's customer picker (own company only). */
@ApiTags('Customers')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/customers')
export class CustomersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sync: SyncService,
  ) {}

  @Get('sync-status')
  @ApiOperation({ summary: 'Where the synchronisation with Tripletex stands.' })
  async status(@Param('companyId') companyId: string) {
    const s = await this.dataSource
      .getRepository(SyncStateEntity)
      .findOne({ where: { companyId } });
    if (!s) throw CustomerSyncErrors.unknownCompany();
    const [{ count }] = await this.dataSource.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM customers WHERE company_id = $1 AND deleted_at IS NULL',
      [companyId],
    );
    return {
      active: s.active,
      webhooks: {
        subscribed: Object.keys(s.subscriptionIds).length > 0,
        subscribedAt: s.subscribedAt,
      },
      fullSync: {
        status: s.fullSyncStatus,
        generation: s.fullSyncGeneration,
        pagesDone: s.fullSyncPages,
        customersSynced: s.fullSyncCustomers,
        startedAt: s.fullSyncStartedAt,
        finishedAt: s.fullSyncFinishedAt,
      },
      incremental: { changedSince: s.changedSinceCursor, lastRunAt: s.changedSinceRunAt },
      customers: Number(count),
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt,
      retryAt: s.retryAt,
    };
  }

  @Post('resync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sync every customer again (also finds deletions webhooks missed).' })
  async resync(@Param('companyId') companyId: string) {
    const state = await this.sync.requestFullSync(companyId);
    return { fullSync: { status: state.fullSyncStatus, generation: state.fullSyncGeneration } };
  }

  @Get()
  @ApiOperation({
    summary:
      'List and search customers (paged, sorted); inactive ones only on request, deleted ones never.',
  })
  async list(@Param('companyId') companyId: string, @Query() q: CustomersQueryDto) {
    await this.requireActive(companyId);
    const where = ['company_id = $1', 'deleted_at IS NULL'];
    const params: unknown[] = [companyId];
    const add = (clause: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (!q.includeInactive) where.push('NOT is_inactive');
    if (q.customerNumber !== undefined) add((p) => `customer_number = ${p}`, q.customerNumber);
    if (q.organizationNumber)
      add((p) => `organization_number = ${p}`, q.organizationNumber.replace(/\s/g, ''));
    if (q.email) add((p) => `lower(email) = lower(${p})`, q.email);
    if (q.query?.trim()) {
      const text = q.query.trim();
      add(
        (p) =>
          `(name ILIKE '%' || ${p} || '%' OR customer_number::text LIKE ${p} || '%' OR organization_number = ${p} OR email ILIKE ${p} || '%')`,
        text.replace(/[\\%_]/g, (c) => `\\${c}`),
      );
    }
    const from = q.from ?? 0;
    const count = q.count ?? 50;
    const whereSql = where.join(' AND ');
    const [{ total }] = await this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM customers WHERE ${whereSql}`,
      params,
    );
    const values = await this.dataSource.query<CustomerView[]>(
      `SELECT ${COLUMNS} FROM customers WHERE ${whereSql} ORDER BY ${SORTS[q.sort ?? 'name']} OFFSET ${from} LIMIT ${count}`,
      params,
    );
    return { total: Number(total), from, count: values.length, values };
  }

  @Get(':customerId')
  @ApiOperation({ summary: 'One customer (deleted ones answer 404).' })
  async get(
    @Param('companyId') companyId: string,
    @Param('customerId', ParseIntPipe) customerId: number,
  ) {
    await this.requireActive(companyId);
    const [row] = await this.dataSource.query<CustomerView[]>(
      `SELECT ${COLUMNS} FROM customers WHERE company_id = $1 AND customer_id = $2 AND deleted_at IS NULL`,
      [companyId, customerId],
    );
    if (!row) throw CustomerSyncErrors.customerNotFound(customerId);
    return row;
  }

  private async requireActive(companyId: string): Promise<void> {
    const state = await this.dataSource
      .getRepository(SyncStateEntity)
      .findOne({ where: { companyId } });
    if (!state?.active) throw CustomerSyncErrors.notActive();
  }
}
