import { int64AsNumber } from '@pos-tripletex/platform';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A run is planned (PENDING), claimed by a worker (IN_FLIGHT), and ends DONE or FAILED. */
export const RunStatuses = {
  PENDING: 'PENDING',
  IN_FLIGHT: 'IN_FLIGHT',
  DONE: 'DONE',
  FAILED: 'FAILED',
} as const;
export type RunStatus = (typeof RunStatuses)[keyof typeof RunStatuses];

/** One `:invoiceMultipleOrders` call for one customer: intent first, result after. */
@Entity({ name: 'collective_runs' })
@Index('ix_collective_runs_company_status', ['companyId', 'status'])
@Index('ix_collective_runs_due', ['nextAttemptAt'], {
  where: `"status" IN ('${RunStatuses.PENDING}', '${RunStatuses.IN_FLIGHT}')`,
})
export class CollectiveRunEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'pk_collective_runs',
  })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  companyId!: string;

  @Column({ type: 'bigint', transformer: int64AsNumber })
  customerId!: number;

  @Column({ type: 'jsonb' })
  orderIds!: number[];

  @Column({ type: 'date' })
  invoiceDate!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: RunStatus;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  invoiceId!: number | null;

  @Column({ type: 'integer', nullable: true })
  invoiceNumber!: number | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  kid!: string | null;

  @Column({ type: 'bigint', nullable: true })
  amount!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When a PENDING run (a retry after a failure) is due. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** While IN_FLIGHT: the worker holding the run, and until when. */
  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
