import { Column, Entity, PrimaryColumn } from 'typeorm';

/** When each company's collective invoicing last ran on its cadence. */
@Entity({ name: 'collective_schedules' })
export class CollectiveScheduleEntity {
  @PrimaryColumn({
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'pk_collective_schedules',
  })
  companyId!: string;

  @Column({ type: 'date' })
  lastRunOn!: string;
}
