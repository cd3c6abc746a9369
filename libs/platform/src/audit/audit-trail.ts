import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from './actor';
import { auditChange, AuditChangeOptions, Json } from './audit-changes';
import { AuditRecordEntity } from './audit-record.entity';

/** A change to record (AuditTrail.record). */
export interface AuditEntry extends Pick<AuditChangeOptions, 'secrets' | 'always'> {
  companyId: string;
  actor: Actor;
  /** What was done: `<subject>.<verb>` in kebab-case words, e.g. `integration.deactivated`. */
  action: string;
  /** What it was done to, when not the company's settings as a whole. */
  target?: string | null;
  /** The state before and after (only what differs is kept, without secrets). */
  before: unknown;
  after: unknown;
  correlationId?: string | null;
}

/** One record as the API answers it. */
export interface AuditRecordView {
  id: string;
  occurredAt: Date;
  actorKind: string;
  actor: string;
  action: string;
  target: string | null;
  before: Json;
  after: Json;
  correlationId: string | null;
}

export interface AuditQuery {
  /** `nextCursor` of the page before: the records older than it. */
  cursor?: string;
  limit?: number;
  action?: string;
  target?: string;
  /** ISO 8601 instants: records at or after `since`, before `until`. */
  since?: string;
  until?: string;
}

export interface AuditPage {
  count: number;
  values: AuditRecordView[];
  /** Pass as `cursor` for the next (older) page; null: this was the last. */
  nextCursor: string | null;
}

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/**
 * The audit trail of a service: who changed what of a company's settings, and when. `record` is
 * called inside the transaction of the change it describes, so the two commit or roll back
 * together.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a change in `tx` (the change's own transaction). Nothing is written when nothing
   * changed (unless `always`); returns the record, or null.
   */
  async record(tx: EntityManager, entry: AuditEntry): Promise<AuditRecordEntity | null> {
    const change = auditChange(entry.before, entry.after, entry);
    if (!change) return null;
    const repository = tx.getRepository(AuditRecordEntity);
    return repository.save(
      repository.create({
        companyId: entry.companyId,
        actorKind: entry.actor.kind,
        actor: entry.actor.id,
        action: entry.action,
        target: entry.target ?? null,
        before: change.before,
        after: change.after,
        correlationId: entry.correlationId ?? null,
      }),
    );
  }

  /** The company's records, newest first, filtered and paged by cursor. */
  async page(companyId: string, query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
    const select = this.dataSource
      .getRepository(AuditRecordEntity)
      .createQueryBuilder('r')
      .where('r.companyId = :companyId', { companyId })
      .orderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor) select.andWhere('r.id < :cursor', { cursor: query.cursor });
    if (query.action) select.andWhere('r.action = :action', { action: query.action });
    if (query.target) select.andWhere('r.target = :target', { target: query.target });
    if (query.since) select.andWhere('r.occurredAt >= :since', { since: query.since });
    if (query.until) select.andWhere('r.occurredAt < :until', { until: query.until });
    const rows = await select.getMany();
    const values = rows.slice(0, limit).map(auditRecordView);
    return {
      count: values.length,
      values,
      nextCursor: rows.length > limit ? values[values.length - 1].id : null,
    };
  }
}

export function auditRecordView(record: AuditRecordEntity): AuditRecordView {
  return {
    id: String(record.id),
    occurredAt: record.occurredAt,
    actorKind: record.actorKind,
    actor: record.actor,
    action: record.action,
    target: record.target,
    before: record.before,
    after: record.after,
    correlationId: record.correlationId,
  };
}
