import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per event a consumer has applied, written in the same transaction as the effect: a
 * redelivered event finds its row and changes nothing.
 */
@Entity({ name: 'processed_events' })
@Index('ix_processed_events_processed_at', ['processedAt'])
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_processed_events' })
  consumer!: string;

  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_processed_events' })
  eventId!: string;

  @Column({ type: 'varchar', length: 255 })
  topic!: string;

  @Column({ type: 'integer' })
  partition!: number;

  /** Kafka offset (int64, so a string in JS). */
  @Column({ type: 'bigint' })
  offset!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  processedAt!: Date;
}
