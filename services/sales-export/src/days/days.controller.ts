import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { AppError, BackOfficeAuthGuard, osloToday } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { DayExporter } from '../vouchers/voucher.planner';
import { DayKey, DayStore } from '../vouchers/day-sales.repository';
import { DayStatusPublisher } from './day-status.publisher';
import { DayParamsDto, DaysQueryDto } from './dto/days-query.dto';
import { DayEntity } from './entities/day.entity';
import { VoucherEntity } from '../vouchers/entities/voucher.entity';
import { ExportWorker } from './export.worker';
import { describeUnmapped } from '../vouchers/voucher-builder';

const notFound = (what: string) =>
  new AppError('SALES_EXPORT.NOT_FOUND', what, { httpStatus: HttpStatus.NOT_FOUND });

function voucherView(v: VoucherEntity) {
  return {
    seq: v.seq,
    kind: v.kind,
    status: v.status,
    externalVoucherNumber: v.externalNumber,
    tripletexVoucherId: v.tripletexId,
    number: v.tripletexNumber,
    year: v.tripletexYear,
    sentToLedger: v.sendToLedger,
    reversed: v.reversedById !== null,
    totals: v.totals,
    postedAt: v.postedAt,
    lastError: v.lastError,
  };
}

function dayView(d: DayEntity, config: IntegrationConfigV1 | null) {
  const startDate = config?.startDate ?? null;
  const beforeStart = startDate === null || d.businessDay < startDate;
  return {
    locationId: d.locationId,
    businessDay: d.businessDay,
    status: d.status,
    exported: !beforeStart,
    note: beforeStart
      ? startDate === null
        ? 'No start date is set: nothing is exported yet.'
        : `Before the start date ${startDate}: not exported.`
      : null,
    checkouts: d.checkouts,
    receipts: { first: d.firstReceipt, last: d.lastReceipt },
    closesAt: d.closesAt,
    closedAt: d.closedAt,
    closedBy: d.closedBy,
    zReport: d.zReceivedAt
      ? {
          checkoutCount: d.zCheckoutCount,
          totalGross: d.zTotalGross === null ? null : Number(d.zTotalGross),
          receivedAt: d.zReceivedAt,
        }
      : null,
    postedGross: Number(d.postedGross),
    failureCode: d.failureCode,
    reason: d.lastError,
    unmapped: d.unmapped,
    reexportRequestedAt: d.reexportRequestedAt,
    nextAttemptAt: d.status === 'CLOSED' && d.lastError ? d.nextAttemptAt : null,
    updatedAt: d.updatedAt,
  };
}

/** Export status per day, voucher previews, gaps, backfill progress and re-export (own company only). */
@ApiTags('Sales export')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The BackOffice company; must match the JWT.' })
@UseGuards(BackOfficeAuthGuard)
@Controller('v1/companies/:companyId/sales-export')
export class DaysController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DayStore,
    private readonly exporter: DayExporter,
    private readonly settings: CompanySettingsService,
    private readonly statuses: DayStatusPublisher,
    private readonly worker: ExportWorker,
  ) {}

  @Get('days')
  @ApiOperation({ summary: 'Business days with their export status, newest first.' })
  async list(@Param('companyId') companyId: string, @Query() q: DaysQueryDto) {
    const qb = this.dataSource
      .getRepository(DayEntity)
      .createQueryBuilder('d')
      .where('d.companyId = :companyId', { companyId })
      .orderBy('d.businessDay', 'DESC')
      .addOrderBy('d.locationId', 'ASC')
      .skip(q.offset ?? 0)
      .take(q.count ?? 100);
    if (q.from) qb.andWhere('d.businessDay >= :from', { from: q.from });
    if (q.to) qb.andWhere('d.businessDay <= :to', { to: q.to });
    if (q.locationId) qb.andWhere('d.locationId = :locationId', { locationId: q.locationId });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    const [rows, total] = await qb.getManyAndCount();
    const config = await this.settings.get(companyId);
    return {
      total,
      offset: q.offset ?? 0,
      count: rows.length,
      values: rows.map((d) => dayView(d, config)),
    };
  }

  @Get('days/:locationId/:businessDay')
  @ApiOperation({ summary: 'One day: status, receipts, Z-report, and every voucher made for it.' })
  async get(@Param() p: DayParamsDto) {
    const { companyId } = p;
    const key = { companyId, locationId: p.locationId, businessDay: p.businessDay };
    const day = await this.load(key);
    return {
      ...dayView(day, await this.settings.get(companyId)),
      vouchers: (await this.store.vouchers(key)).map(voucherView),
    };
  }

  @Get('days/:locationId/:businessDay/preview')
  @ApiOperation({
    summary:
      'The voucher the day needs now, exactly as it would be sent to Tripletex (or why it cannot be made).',
  })
  async preview(@Param() p: DayParamsDto) {
    const { companyId } = p;
    const key = { companyId, locationId: p.locationId, businessDay: p.businessDay };
    await this.load(key);
    const config = await this.settings.get(companyId);
    if (!config?.tripletex?.employeeToken)
      throw new AppError(
        'SALES_EXPORT.NOT_CONNECTED',
        'The company is not connected to Tripletex, so no voucher can be previewed.',
        { httpStatus: HttpStatus.CONFLICT },
      );
    const plan = await this.exporter.plan(key, config, this.exporter.client(config));
    return {
      kind: plan.kind,
      sales: plan.snapshot.sales,
      totals: plan.snapshot.totals,
      alreadyPosted: plan.inEffect.map(voucherView),
      difference: plan.difference,
      unmapped: plan.unmapped,
      problems: plan.unmapped.length
        ? [`No account is mapped for ${describeUnmapped(plan.unmapped)}`]
        : plan.problems,
      voucher: plan.voucher,
    };
  }

  @Post('days/:locationId/:businessDay/re-export')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Export the day again: its vouchers are reversed in Tripletex and a new one is posted with the current mappings.',
  })
  async reexport(@Param() p: DayParamsDto) {
    const { companyId } = p;
    const key = { companyId, locationId: p.locationId, businessDay: p.businessDay };
    await this.load(key);
    if (p.businessDay >= osloToday() && (await this.load(key)).status === 'OPEN')
      throw new AppError(
        'SALES_EXPORT.DAY_OPEN',
        'The day is still open; it is exported when it closes.',
        { httpStatus: HttpStatus.CONFLICT },
      );
    const day = await this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<
        { status: string; checkouts: number; posted_gross: string; changed: boolean }[]
      >(
        `WITH before AS (
           SELECT status FROM days WHERE company_id = $1 AND location_id = $2 AND business_day = $3::date FOR UPDATE
         )
         UPDATE days d SET reexport_requested_at = now(), updated_at = now(), next_attempt_at = now(),
           attempts = 0,
           status = CASE WHEN d.status IN ('EXPORTING') THEN d.status ELSE 'CLOSED' END,
           closed_at = COALESCE(d.closed_at, now()), closed_by = COALESCE(d.closed_by, 'REQUEST')
         FROM before
         WHERE d.company_id = $1 AND d.location_id = $2 AND d.business_day = $3::date
         RETURNING d.status, d.checkouts, d.posted_gross, before.status <> d.status AS changed`,
        [key.companyId, key.locationId, key.businessDay],
      );
      if (row.changed)
        await this.statuses.publish(tx, [
          {
            day: { ...key, checkouts: row.checkouts, postedGross: Number(row.posted_gross) },
            status: 'CLOSED',
          },
        ]);
      return row;
    });
    this.worker.nudge();
    return { ...key, status: day.status, reexportRequested: true };
  }

  @Get('gaps')
  @ApiOperation({
    summary:
      'Days from the start date with sales but no voucher yet (not exported, unmapped or failed), oldest first.',
  })
  async gaps(@Param('companyId') companyId: string) {
    const config = await this.settings.get(companyId);
    if (!config?.startDate) return { startDate: null, count: 0, values: [] };
    const rows = await this.dataSource
      .getRepository(DayEntity)
      .createQueryBuilder('d')
      .where('d.companyId = :companyId', { companyId })
      .andWhere('d.businessDay >= :start', { start: config.startDate })
      .andWhere('d.checkouts > 0')
      .andWhere(`d.status NOT IN ('POSTED', 'NOTHING_TO_POST')`)
      .orderBy('d.businessDay', 'ASC')
      .addOrderBy('d.locationId', 'ASC')
      .take(1000)
      .getMany();
    return {
      startDate: config.startDate,
      count: rows.length,
      values: rows.map((d) => dayView(d, config)),
    };
  }

  @Get('backfill')
  @ApiOperation({
    summary:
      'Progress of exporting the days from the start date: days with sales, exported, waiting, stopped.',
  })
  async backfill(@Param('companyId') companyId: string) {
    const config = await this.settings.get(companyId);
    if (!config?.startDate)
      return { startDate: null, status: config?.status ?? null, days: 0, exported: 0, pending: 0 };
    const [row] = await this.dataSource.query<
      {
        days: string;
        exported: string;
        open: string;
        pending: string;
        unmapped: string;
        failed: string;
        first_pending: string | null;
        last_exported: string | null;
      }[]
    >(
      `SELECT count(*) AS days,
         count(*) FILTER (WHERE status IN ('POSTED', 'NOTHING_TO_POST')) AS exported,
         count(*) FILTER (WHERE status = 'OPEN') AS open,
         count(*) FILTER (WHERE status IN ('CLOSED', 'EXPORTING')) AS pending,
         count(*) FILTER (WHERE status = 'UNMAPPED') AS unmapped,
         count(*) FILTER (WHERE status = 'FAILED') AS failed,
         min(business_day::text) FILTER (WHERE status IN ('CLOSED', 'EXPORTING')) AS first_pending,
         max(business_day::text) FILTER (WHERE status IN ('POSTED', 'NOTHING_TO_POST')) AS last_exported
       FROM days WHERE company_id = $1 AND business_day >= $2::date AND checkouts > 0`,
      [companyId, config.startDate],
    );
    const days = Number(row.days);
    const exported = Number(row.exported);
    return {
      startDate: config.startDate,
      integrationStatus: config.status,
      days,
      exported,
      open: Number(row.open),
      pending: Number(row.pending),
      unmapped: Number(row.unmapped),
      failed: Number(row.failed),
      percent: days === 0 ? 100 : Math.floor((exported * 100) / days),
      firstPendingDay: row.first_pending,
      lastExportedDay: row.last_exported,
    };
  }

  private async load(key: DayKey): Promise<DayEntity> {
    const day = await this.dataSource.getRepository(DayEntity).findOneBy({ ...key });
    if (!day)
      throw notFound(
        `No sales are known for location ${key.locationId} on ${key.businessDay} in this company.`,
      );
    return day;
  }
}
