import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Json } from './audit-changes';
import { ActorKind, ActorKinds } from './actor';

/**
 * One change to a company's settings or one operator action, written in the transaction of the
 * change itself (AuditTrail.record): a change that rolls back leaves no record, and a record never
 * exists without its change. Append-only. Each service has its own table (auditMigrations).
 */
@Entity({ name: 'audit_records' })
@Index('ix_audit_records_company', ['companyId', 'id'])
@Check(
  'ck_audit_records_actor_kind',
  `"actor_kind" IN (${Object.values(ActorKinds)
    .map((kind) => `'${kind}'`)
    .join(', ')})`,
)
export class AuditRecordEntity {
  /** Increasing in the order records were written: the newest-first order and the paging cursor. */
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_audit_records' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  companyId!: string;

  /** When the change was made (its transaction's time). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  actorKind!: ActorKind;

  /** The user's `sub`, or what in the system made the change. */
  @Column({ type: 'text' })
  actor!: string;

  /** What was done, e.g. `wizard.invoicing.updated`, `day.reexport.requested`. */
  @Column({ type: 'varchar', length: 100 })
  action!: string;

  /** What it was done to, when not the company's settings as a whole, e.g. `days/shop-1/2026-01-05`. */
  @Column({ type: 'text', nullable: true })
  target!: string | null;

  /** The changed fields as they were (secrets removed); null: the thing did not exist yet. */
  @Column({ type: 'jsonb', nullable: true })
  before!: Json;

  /** The changed fields as they are now (secrets removed); null: the thing no longer exists. */
  @Column({ type: 'jsonb', nullable: true })
  after!: Json;

  /** The request that made the change (its request id), to find its log lines and events. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  correlationId!: string | null;
}
