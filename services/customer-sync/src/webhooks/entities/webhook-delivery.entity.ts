import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Idempotency keys of webhook deliveries already applied: a replay changes nothing. */
@Entity({ name: 'webhook_deliveries' })
@Index('ix_webhook_deliveries_received_at', ['receivedAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_webhook_deliveries' })
  companyId!: string;

  @PrimaryColumn({
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'pk_webhook_deliveries',
  })
  idempotencyKey!: string;

  @Column({ type: 'timestamptz' })
  receivedAt!: Date;
}
