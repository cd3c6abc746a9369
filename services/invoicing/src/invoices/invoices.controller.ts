import { Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  Actor,
  ApiErrors,
  BackOfficeApi,
  BackOfficeUser,
  CurrentUser,
  requestIdOf,
} from '@pos-tripletex/platform';
import type { Request, Response } from 'express';
import { InvoicingErrors } from '../invoicing.errors';
import { addDays } from '@pos-tripletex/platform';
import {
  InvoiceDaysDto,
  InvoiceRequestDto,
  InvoiceRequestPageDto,
  ProFormaReceiptDto,
} from './dto/invoice.dto';
import { InvoiceDaysQueryDto, InvoicesQueryDto, ReceiptQueryDto } from './dto/invoices-query.dto';

const NO_REQUEST = {
  status: 404,
  description: 'INVOICING.NOT_FOUND: no checkout of that id charged by invoice for the company.',
} as const;
const BAD_ID = {
  status: 400,
  description: 'HTTP_400 "Validation failed (uuid is expected)": the checkout event id is no UUID.',
} as const;

/** The checkout in the path. */
const CheckoutParam = () =>
  ApiParam({
    name: 'checkoutEventId',
    format: 'uuid',
    description: 'The checkout event (pos.checkout.completed.v1 eventId).',
  });
import { InvoiceRequestEntity, RequestStatuses } from './entities/invoice-request.entity';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceRequestsRepository } from './invoice-requests.repository';
import { InvoiceWorker } from './invoice.worker';
import { receiptOf, receiptText } from './receipt';

/** What BackOffice sees of a request. */
function view(request: InvoiceRequestEntity): InvoiceRequestDto {
  return {
    checkoutEventId: request.checkoutEventId,
    kind: request.kind,
    mode: request.mode,
    status: request.status,
    customerId: request.customerId,
    customerName: request.customerName,
    receiptNumber: request.receiptNumber,
    locationId: request.locationId,
    businessDay: request.businessDay,
    totalGross: Number(request.totalGross),
    orderId: request.orderId,
    invoiceId: request.invoiceId,
    invoiceNumber: request.invoiceNumber,
    kid: request.kid,
    invoiceAmount: request.invoiceAmount === null ? null : Number(request.invoiceAmount),
    failureCode: request.failureCode,
    retryOn: request.retryOn,
    reason:
      request.status === RequestStatuses.FAILED || request.status === RequestStatuses.PENDING
        ? request.lastError
        : null,
    attempts: request.attempts,
    updatedAt: request.updatedAt,
  };
}

/** Invoice status, lists and pro forma receipts (own company only). */
@BackOfficeApi({ tag: 'Invoices', path: 'v1/companies/:companyId' })
@ApiExtraModels(ProFormaReceiptDto)
export class InvoicesController {
  constructor(
    private readonly requests: InvoiceRequestsRepository,
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly worker: InvoiceWorker,
  ) {}

  @Get('invoices')
  @ApiOperation({ summary: 'Checkouts charged by invoice, by customer and business day.' })
  @ApiOkResponse({ type: InvoiceRequestPageDto })
  @ApiErrors(400)
  async list(
    @Param('companyId') companyId: string,
    @Query() query: InvoicesQueryDto,
  ): Promise<InvoiceRequestPageDto> {
    const page = await this.requests.page(companyId, query);
    return {
      total: page.total,
      from: page.from,
      count: page.values.length,
      values: page.values.map(view),
    };
  }

  // Before invoices/:checkoutEventId, which would take "days" for an id.
  @Get('invoices/days')
  @ApiOperation({
    summary:
      'Per business day and location: sales charged by invoice, and how many are not invoiced yet (failed or pending) – sales the day voucher leaves out and no invoice books yet.',
  })
  @ApiOkResponse({ type: InvoiceDaysDto })
  @ApiErrors({
    status: 400,
    description:
      'VALIDATION_FAILED, or INVOICING.BAD_RANGE (dateTo before dateFrom, or over 366 days).',
  })
  async days(
    @Param('companyId') companyId: string,
    @Query() query: InvoiceDaysQueryDto,
  ): Promise<InvoiceDaysDto> {
    if (query.dateTo < query.dateFrom || addDays(query.dateFrom, 366) < query.dateTo)
      throw InvoicingErrors.badRange();
    return { values: await this.requests.days(companyId, query.dateFrom, query.dateTo) };
  }

  @Post('invoices/:checkoutEventId/retry')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Try a failed (or waiting) request again now; answers with the request, PENDING. 409 INVOICING.NOT_RETRYABLE for any other status. Recorded in the audit trail (`invoice.retry.requested`); a token without `sub` is refused (401 AUTH.NO_SUBJECT).',
  })
  @CheckoutParam()
  @ApiAcceptedResponse({ type: InvoiceRequestDto, description: 'The request, PENDING.' })
  @ApiErrors(BAD_ID, NO_REQUEST, {
    status: 409,
    description: 'INVOICING.NOT_RETRYABLE: only a failed or waiting request can be retried.',
  })
  async retry(
    @Param('companyId') companyId: string,
    @Param('checkoutEventId', ParseUUIDPipe) checkoutEventId: string,
    @CurrentUser() user: BackOfficeUser,
    @Req() req: Request,
  ): Promise<InvoiceRequestDto> {
    await this.lifecycle.retryByOperator(
      companyId,
      checkoutEventId,
      Actor.user(user),
      requestIdOf(req),
    );
    this.worker.nudge();
    return view(await this.load(companyId, checkoutEventId));
  }

  @Get('invoices/:checkoutEventId')
  @ApiOperation({
    summary:
      'What became of one checkout: pending, ordered, invoiced (number, KID, amount), credited or failed (reason).',
  })
  @CheckoutParam()
  @ApiOkResponse({ type: InvoiceRequestDto })
  @ApiErrors(BAD_ID, NO_REQUEST)
  async get(
    @Param('companyId') companyId: string,
    @Param('checkoutEventId', ParseUUIDPipe) checkoutEventId: string,
  ): Promise<InvoiceRequestDto> {
    return view(await this.load(companyId, checkoutEventId));
  }

  @Get('invoices/:checkoutEventId/receipt')
  @ApiOperation({
    summary:
      'Pro forma receipt: customer, lines, VAT per rate, totals, reference, comment (JSON or printable text).',
  })
  @CheckoutParam()
  @ApiOkResponse({
    description: 'format=json (default): the receipt; format=text: printable text.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ProFormaReceiptDto) } },
      'text/plain': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400, NO_REQUEST)
  async receipt(
    @Param('companyId') companyId: string,
    @Param('checkoutEventId', ParseUUIDPipe) checkoutEventId: string,
    @Query() query: ReceiptQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProFormaReceiptDto | string> {
    const receipt = receiptOf(await this.load(companyId, checkoutEventId));
    if (query.format !== 'text') return receipt;
    res.type('text/plain; charset=utf-8');
    return receiptText(receipt);
  }

  private async load(companyId: string, checkoutEventId: string): Promise<InvoiceRequestEntity> {
    const request = await this.requests.find(companyId, checkoutEventId);
    if (!request) throw InvoicingErrors.notFound(checkoutEventId);
    return request;
  }
}
