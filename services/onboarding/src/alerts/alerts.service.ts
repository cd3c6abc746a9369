import { Injectable, Logger } from '@nestjs/common';
import { AlertV1 } from '@pos-tripletex/contracts';
import { EntityManager } from 'typeorm';
import { AlertChange, applyAlert } from './alert-rules';
import { AlertFilter, AlertsRepository } from './alerts.repository';
import { AlertPage, AlertsQueryDto, alertView } from './dto/alerts.dto';

export const ALERTS_PAGE_DEFAULT = 50;

/** Keeps integration.alerts.v1 per company (de-duplicated per cause) and lists it. */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(private readonly alerts: AlertsRepository) {}

  /** Applies one alert event in the Inbox's transaction (alert-rules.ts decides). */
  async apply(event: AlertV1, tx: EntityManager): Promise<AlertChange['kind']> {
    const row = await this.alerts.lock(tx, event.companyId, event.alertKey);
    const change = applyAlert(row, event);
    if (change.kind === 'opened') await this.alerts.insert(tx, change.row);
    else if (change.kind !== 'ignored') await this.alerts.update(tx, change.row);
    // The alert is the notice; the log line is for tracing it (another service's problem).
    if (change.kind === 'opened' || change.kind === 'reopened')
      this.logger.log(
        { companyId: event.companyId, alertKey: event.alertKey, kind: event.kind },
        `alert ${change.kind}: ${event.title}`,
      );
    return change.kind;
  }

  async list(companyId: string, query: AlertsQueryDto): Promise<AlertPage> {
    const filter: AlertFilter = query.state ?? 'OPEN';
    const from = query.from ?? 0;
    const count = query.count ?? ALERTS_PAGE_DEFAULT;
    const { total, rows } = await this.alerts.page(companyId, filter, from, count);
    return { total, from, count: rows.length, values: rows.map(alertView) };
  }
}
