import { int64AsNumber } from '@pos-tripletex/platform';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** This service's copy of a Tripletex customer. Deleted ones are kept (with deleted_at) for history. */
@Entity({ name: 'customers' })
@Index('ix_customers_company_name', ['companyId', 'name'])
@Index('ix_customers_company_number', ['companyId', 'customerNumber'])
export class CustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_customers' })
  companyId!: string;

  /** The Tripletex customer id. */
  @PrimaryColumn({
    type: 'bigint',
    primaryKeyConstraintName: 'pk_customers',
    transformer: int64AsNumber,
  })
  customerId!: number;

  /** Tripletex's version: an older read never overwrites a newer one. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'integer', nullable: true })
  customerNumber!: number | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  organizationNumber!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  invoiceEmail!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phoneNumberMobile!: string | null;

  @Column({ type: 'boolean' })
  isInactive!: boolean;

  @Column({ type: 'boolean', default: false })
  isPrivateIndividual!: boolean;

  @Column({ type: 'integer', nullable: true })
  invoicesDueIn!: number | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  invoicesDueInType!: string | null;

  /** Set when the customer disappeared from Tripletex; the row stays for history. */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /**
   * Set when the integration was deactivated: the customer left the pick list (a tombstone) and
   * comes back with the next full sync after reactivation.
   */
  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  /** Generation of the full sync that last saw the customer (finds deletions that had no webhook). */
  @Column({ type: 'integer', default: 0 })
  seenGeneration!: number;

  @Column({ type: 'timestamptz' })
  syncedAt!: Date;

  /** When our copy last changed (not when it was last re-read). */
  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
