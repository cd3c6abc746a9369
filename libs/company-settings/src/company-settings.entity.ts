import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { IntegrationConfigV1 } from '@pos-tripletex/contracts';

/**
 * `config->>'startDate'` as a date, written so PostgreSQL accepts it in a stored generated column
 * (make_date is immutable; a text→date cast is not).
 */
export const START_DATE_SQL = `make_date(substr(config->>'startDate', 1, 4)::int, substr(config->>'startDate', 6, 2)::int, substr(config->>'startDate', 9, 2)::int)`;

/** The latest integration.config.v1 of a company, as this service last received it. */
@Entity({ name: 'company_settings' })
export class CompanySettingsEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_company_settings' })
  companyId!: string;

  /** integration.config.v1 `version`: older events never overwrite newer ones. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 32 })
  status!: string;

  @Column({ type: 'jsonb' })
  config!: IntegrationConfigV1;

  /**
   * The first business day to export (`config.startDate`), null until chosen. Computed by
   * PostgreSQL from `config` (never written), for SQL that filters on it: `cs.start_date`.
   */
  @Column({
    type: 'date',
    nullable: true,
    generatedType: 'STORED',
    asExpression: START_DATE_SQL,
    insert: false,
    update: false,
  })
  startDate!: string | null;

  @Column({ type: 'timestamptz' })
  changedAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}
