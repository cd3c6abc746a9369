import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '@pos-tripletex/platform';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { InvoicingErrors } from '../invoicing.errors';
import { CollectiveInvoicing } from './collective.service';
import { CollectiveQueryDto, InvoicesQueryDto, ReceiptQueryDto } from './dto/invoices-query.dto';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';
import { receiptOf, receiptText } from './receipt';

function view(r: InvoiceRequestEntity) {
  return {
    checkoutEventId: r.checkoutEventId,
    kind: r.kind,
    mode: r.mode,
    status: r.status,
    customerId: r.customerId,
    customerName: r.customerName,
    receiptNumber: r.receiptNumber,
    locationId: r.locationId,
    businessDay: r.businessDay,
    totalGross: Number(r.totalGross),
    orderId: r.orderId,
    invoiceId: r.invoiceId,
    invoiceNumber: r.invoiceNumber,
    kid: r.kid,
    invoiceAmount: r.invoiceAmount === null ? null : Number(r.invoiceAmount),
    failureCode: r.failureCode,
    reason: r.status === 'FAILED' || r.status === 'PENDING' ? r.lastError : null,
    attempts: r.attempts,
    updatedAt: r.updatedAt,
  };
}

/** Invoice status, lists and pro forma receipts; collective runs (own company only). */
@ApiTags('Invoices')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId')
export class InvoicesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly collective: CollectiveInvoicing,
  ) {}

  @Get('invoices')
  @ApiOperation({ summary: 'Checkouts charged by invoice, by customer and business day.' })
  async list(@Param('companyId') companyId: string, @Query() q: InvoicesQueryDto) {
    const qb = this.dataSource
      .getRepository(InvoiceRequestEntity)
      .createQueryBuilder('r')
      .where('r.companyId = :companyId', { companyId })
      .orderBy('r.businessDay', 'DESC')
      .addOrderBy('r.receiptNumber', 'DESC')
      .skip(q.from ?? 0)
      .take(q.count ?? 50);
    if (q.customerId) qb.andWhere('r.customerId = :customerId', { customerId: q.customerId });
    if (q.dateFrom) qb.andWhere('r.businessDay >= :dateFrom', { dateFrom: q.dateFrom });
    if (q.dateTo) qb.andWhere('r.businessDay <= :dateTo', { dateTo: q.dateTo });
    if (q.status) qb.andWhere('r.status = :status', { status: q.status });
    const [rows, total] = await qb.getManyAndCount();
    return { total, from: q.from ?? 0, count: rows.length, values: rows.map(view) };
  }

  @Get('invoices/:checkoutEventId')
  @ApiOperation({
    summary:
      'What became of one checkout: pending, ordered, invoiced (number, KID, amount), credited or failed (reason).',
  })
  async get(
    @Param('companyId') companyId: string,
    @Param('checkoutEventId', ParseUUIDPipe) checkoutEventId: string,
  ) {
    return view(await this.load(companyId, checkoutEventId));
  }

  @Get('invoices/:checkoutEventId/receipt')
  @ApiOperation({
    summary:
      'Pro forma receipt: customer, lines, VAT per rate, totals, reference, comment (JSON or printable text).',
  })
  async receipt(
    @Param('companyId') companyId: string,
    @Param('checkoutEventId', ParseUUIDPipe) checkoutEventId: string,
    @Query() q: ReceiptQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const receipt = receiptOf(await this.load(companyId, checkoutEventId));
    if (q.format !== 'text') return receipt;
    res.type('text/plain; charset=utf-8');
    return receiptText(receipt);
  }

  @Get('collective-invoices/preview')
  @ApiOperation({ summary: 'What the next collective run will invoice, per customer.' })
  preview(@Param('companyId') companyId: string, @Query() q: CollectiveQueryDto) {
    return this.collective.preview(companyId, undefined, q.customerId);
  }

  @Post('collective-invoices/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Invoice every open order now, one invoice per customer.' })
  async run(@Param('companyId') companyId: string, @Query() q: CollectiveQueryDto) {
    return { results: await this.collective.run(companyId, undefined, q.customerId) };
  }

  private async load(companyId: string, checkoutEventId: string): Promise<InvoiceRequestEntity> {
    const r = await this.dataSource
      .getRepository(InvoiceRequestEntity)
      .findOneBy({ companyId, checkoutEventId });
    if (!r) throw InvoicingErrors.notFound(checkoutEventId);
    return r;
  }
}
