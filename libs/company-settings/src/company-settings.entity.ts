import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { IntegrationConfigV1 } from '@pos-tripletex/contracts';

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

  @Column({ type: 'timestamptz' })
  changedAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}
