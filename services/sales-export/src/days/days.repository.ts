import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DayKey } from './day-key';
import { DayState, DayStatuses, sqlText } from './day-statuses';
import { DayEntity } from './entities/day.entity';

const { OPEN, CLOSED, EXPORTING, POSTED, NOTHING_TO_POST, UNMAPPED, FAILED } = DayStatuses;

export interface DaysFilter {
  dateFrom?: string;
  dateTo?: string;
  locationId?: string;
  status?: DayState;
}

export interface Page<T> {
  total: number;
  values: T[];
}

/** Days with sales from the start date on, by where they stand (GET …/backfill). */
export interface BackfillCounts {
  days: number;
  exported: number;
  open: number;
  pending: number;
  unmapped: number;
  failed: number;
  firstPendingDay: string | null;
  lastExportedDay: string | null;
}

/** Reads of days for the BackOffice API and the exporter (changes go through DayLifecycle). */
@Injectable()
export class DaysRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(key: DayKey): Promise<DayEntity | null> {
    return this.dataSource.getRepository(DayEntity).findOneBy({ ...key });
  }

  /** The day; throws when it does not exist. */
  get(key: DayKey): Promise<DayEntity> {
    return this.dataSource.getRepository(DayEntity).findOneByOrFail({ ...key });
  }

  /** A company's days, newest first. */
  async page(
    companyId: string,
    filter: DaysFilter,
    from: number,
    count: number,
  ): Promise<Page<DayEntity>> {
    const query = this.dataSource
      .getRepository(DayEntity)
      .createQueryBuilder('d')
      .where('d.companyId = :companyId', { companyId })
      .orderBy('d.businessDay', 'DESC')
      .addOrderBy('d.locationId', 'ASC')
      .skip(from)
      .take(count);
    if (filter.dateFrom)
      query.andWhere('d.businessDay >= :dateFrom', { dateFrom: filter.dateFrom });
    if (filter.dateTo) query.andWhere('d.businessDay <= :dateTo', { dateTo: filter.dateTo });
    if (filter.locationId)
      query.andWhere('d.locationId = :locationId', { locationId: filter.locationId });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    const [values, total] = await query.getManyAndCount();
    return { total, values };
  }

  /** Days from the start date with sales but no voucher yet, oldest first. */
  async withoutVoucher(
    companyId: string,
    startDate: string,
    from: number,
    count: number,
  ): Promise<Page<DayEntity>> {
    const [values, total] = await this.dataSource
      .getRepository(DayEntity)
      .createQueryBuilder('d')
      .where('d.companyId = :companyId', { companyId })
      .andWhere('d.businessDay >= :start', { start: startDate })
      .andWhere('d.checkouts > 0')
      .andWhere(`d.status NOT IN (${sqlText(POSTED, NOTHING_TO_POST)})`)
      .orderBy('d.businessDay', 'ASC')
      .addOrderBy('d.locationId', 'ASC')
      .skip(from)
      .take(count)
      .getManyAndCount();
    return { total, values };
  }

  async backfill(companyId: string, startDate: string): Promise<BackfillCounts> {
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
         count(*) FILTER (WHERE status IN (${sqlText(POSTED, NOTHING_TO_POST)})) AS exported,
         count(*) FILTER (WHERE status = ${sqlText(OPEN)}) AS open,
         count(*) FILTER (WHERE status IN (${sqlText(CLOSED, EXPORTING)})) AS pending,
         count(*) FILTER (WHERE status = ${sqlText(UNMAPPED)}) AS unmapped,
         count(*) FILTER (WHERE status = ${sqlText(FAILED)}) AS failed,
         min(business_day::text) FILTER (WHERE status IN (${sqlText(CLOSED, EXPORTING)})) AS first_pending,
         max(business_day::text) FILTER (WHERE status IN (${sqlText(POSTED, NOTHING_TO_POST)})) AS last_exported
       FROM days WHERE company_id = $1 AND business_day >= $2::date AND checkouts > 0`,
      [companyId, startDate],
    );
    return {
      days: Number(row.days),
      exported: Number(row.exported),
      open: Number(row.open),
      pending: Number(row.pending),
      unmapped: Number(row.unmapped),
      failed: Number(row.failed),
      firstPendingDay: row.first_pending,
      lastExportedDay: row.last_exported,
    };
  }
}
