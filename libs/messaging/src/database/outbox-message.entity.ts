import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event waiting to be published, written in the same transaction as the state change it
 * describes. The relay publishes rows in id order and stamps `sent_at`.
 */
@Entity({ name: 'outbox_messages' })
@Index('ix_outbox_messages_unsent', ['id'], { where: '"sent_at" IS NULL AND "parked_at" IS NULL' })
@Index('ix_outbox_messages_sent_at', ['sentAt'], { where: '"sent_at" IS NOT NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'pk_outbox_messages',
  })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  topic!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  key!: string | null;

  /** The record value as published; null is a tombstone on a compacted topic. */
  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers!: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** Set when the broker refused the record itself (too large, …): it is left out, with the reason. */
  @Column({ type: 'timestamptz', nullable: true })
  parkedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  parkReason!: string | null;
}
