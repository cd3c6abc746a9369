import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CollectiveRunEntity, RunStatuses } from './entities/collective-run.entity';

/** Reads of collective runs (the lifecycle does every change) and the cadence's bookkeeping. */
@Injectable()
export class CollectiveRepository {
  constructor(private readonly dataSource: DataSource) {}

  run(id: string): Promise<CollectiveRunEntity> {
    return this.dataSource.getRepository(CollectiveRunEntity).findOneByOrFail({ id });
  }

  /** The runs, by id. */
  runs(ids: string[]): Promise<CollectiveRunEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(CollectiveRunEntity)
      .find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  /** The ids of a company's (or one customer's) runs not finished yet. */
  async unfinished(companyId: string, customerId?: number): Promise<string[]> {
    const unfinished = await this.dataSource.getRepository(CollectiveRunEntity).find({
      where: {
        companyId,
        status: In([RunStatuses.PENDING, RunStatuses.IN_FLIGHT]),
        ...(customerId ? { customerId } : {}),
      },
      select: { id: true },
    });
    return unfinished.map((run) => run.id);
  }

  /** The day the company's cadence last planned its runs (YYYY-MM-DD), if ever. */
  async lastScheduledRun(companyId: string): Promise<string | undefined> {
    const [last] = await this.dataSource.query<{ last_run_on: string }[]>(
      'SELECT last_run_on::text AS last_run_on FROM collective_schedules WHERE company_id = $1',
      [companyId],
    );
    return last?.last_run_on;
  }

  async scheduledRunOn(companyId: string, day: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO collective_schedules (company_id, last_run_on) VALUES ($1, $2)
       ON CONFLICT (company_id) DO UPDATE SET last_run_on = EXCLUDED.last_run_on`,
      [companyId, day],
    );
  }
}
