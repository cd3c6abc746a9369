import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AlertRow, AlertRowState } from './alert-rules';

interface AlertRecord {
  company_id: string;
  alert_key: string;
  kind: AlertRow['kind'];
  severity: AlertRow['severity'];
  state: AlertRowState;
  title: string;
  message: string;
  details: AlertRow['details'];
  source: string;
  opened_at: Date;
  last_seen_at: Date;
  count: number;
  occurrences: number;
  resolved_at: Date | null;
  resolution: string | null;
  last_event_at: Date;
}

const COLUMNS = `company_id, alert_key, kind, severity, state, title, message, details, source,
  opened_at, last_seen_at, count, occurrences, resolved_at, resolution, last_event_at`;

function toRow(r: AlertRecord): AlertRow {
  return {
    companyId: r.company_id,
    alertKey: r.alert_key,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    title: r.title,
    message: r.message,
    details: r.details,
    source: r.source,
    openedAt: r.opened_at,
    lastSeenAt: r.last_seen_at,
    count: r.count,
    occurrences: r.occurrences,
    resolvedAt: r.resolved_at,
    resolution: r.resolution,
    lastEventAt: r.last_event_at,
  };
}

const values = (row: AlertRow) => [
  row.companyId,
  row.alertKey,
  row.kind,
  row.severity,
  row.state,
  row.title,
  row.message,
  row.details === null ? null : JSON.stringify(row.details),
  row.source,
  row.openedAt,
  row.lastSeenAt,
  row.count,
  row.occurrences,
  row.resolvedAt,
  row.resolution,
  row.lastEventAt,
];

/** Which alerts a list shows. */
export type AlertFilter = AlertRowState | 'ALL';

/** The `alerts` table: one row per (company, cause). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The row of a cause, locked until `tx` ends; null when the cause has never opened. */
  async lock(tx: EntityManager, companyId: string, alertKey: string): Promise<AlertRow | null> {
    const [record] = await tx.query<AlertRecord[]>(
      `SELECT ${COLUMNS} FROM alerts WHERE company_id = $1 AND alert_key = $2 FOR UPDATE`,
      [companyId, alertKey],
    );
    return record ? toRow(record) : null;
  }

  /**
   * The first row of a cause. Records of one company arrive in order on one partition, so two
   * writers of one row are not expected; should it happen, the losing insert throws and the Inbox
   * retries the record, which then finds the row.
   */
  async insert(tx: EntityManager, row: AlertRow): Promise<void> {
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO alerts (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (company_id, alert_key) DO NOTHING RETURNING alert_key`,
      values(row),
    );
    if (inserted.length === 0)
      throw new Error(`alert ${row.alertKey} of ${row.companyId} was inserted concurrently`);
  }

  async update(tx: EntityManager, row: AlertRow): Promise<void> {
    await tx.query(
      `UPDATE alerts SET kind = $3, severity = $4, state = $5, title = $6, message = $7,
         details = $8, source = $9, opened_at = $10, last_seen_at = $11, count = $12,
         occurrences = $13, resolved_at = $14, resolution = $15, last_event_at = $16
       WHERE company_id = $1 AND alert_key = $2`,
      values(row),
    );
  }

  /**
   * A page of a company's alerts: CRITICAL before WARNING, then the most recently seen first
   * (resolved ones: the most recently resolved first).
   */
  async page(
    companyId: string,
    filter: AlertFilter,
    from: number,
    count: number,
  ): Promise<{ total: number; rows: AlertRow[] }> {
    const params: unknown[] = [companyId];
    let where = 'company_id = $1';
    if (filter !== 'ALL') {
      params.push(filter);
      where += ' AND state = $2';
    }
    const [{ total }] = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM alerts WHERE ${where}`,
      params,
    );
    const records = await this.dataSource.query<AlertRecord[]>(
      `SELECT ${COLUMNS} FROM alerts WHERE ${where}
       ORDER BY state, CASE severity WHEN 'CRITICAL' THEN 0 ELSE 1 END,
         COALESCE(resolved_at, last_seen_at) DESC, alert_key
       OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, from, count],
    );
    return { total, rows: records.map(toRow) };
  }
}
