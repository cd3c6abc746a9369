import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PageOf } from '@pos-tripletex/platform';
import {
  FullSyncStatus,
  FullSyncStatuses,
  WebhookStatus,
  WebhookStatuses,
} from '../../sync/entities/sync-state.entity';
import type { SyncStatusView } from '../../sync/sync.service';
import type { CustomerPage, CustomerView } from '../customers.repository';

// What the Customers API answers with, as the OpenAPI documents describe it.

const TEXT = { type: String, nullable: true } as const;
const MOMENT = { type: String, format: 'date-time', nullable: true } as const;

/** A customer of the company's Tripletex, as the mirror holds it. */
@ApiSchema({ name: 'Customer' })
export class CustomerDto implements CustomerView {
  @ApiProperty({ type: 'integer', example: 1000456, description: 'Tripletex customer id.' })
  customerId!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 10001 })
  customerNumber!: number | null;

  @ApiProperty({ example: 'Kunde 1 AS' })
  name!: string;

  @ApiProperty({ ...TEXT, example: '987654321' })
  organizationNumber!: string | null;

  @ApiProperty({ ...TEXT, example: 'post@kunde.no' })
  email!: string | null;

  @ApiProperty(TEXT)
  invoiceEmail!: string | null;

  @ApiProperty(TEXT)
  phoneNumberMobile!: string | null;

  @ApiProperty({ example: false })
  isInactive!: boolean;

  @ApiProperty({ example: false })
  isPrivateIndividual!: boolean;

  @ApiProperty({ type: 'integer', nullable: true, example: 14 })
  invoicesDueIn!: number | null;

  @ApiProperty({ ...TEXT, example: 'DAYS' })
  invoicesDueInType!: string | null;

  @ApiProperty({ type: 'integer', description: "Tripletex's version of the customer." })
  version!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

@ApiSchema({ name: 'CustomerPage' })
export class CustomerPageDto extends PageOf(CustomerDto) implements CustomerPage {}

export class WebhookStateDto {
  @ApiProperty({
    description:
      'This deployment has webhooks (WEBHOOK_PUBLIC_URL); false: customers come by polling only.',
  })
  enabled!: boolean;

  @ApiProperty({ enum: Object.values(WebhookStatuses), enumName: 'WebhookStatus' })
  status!: WebhookStatus;

  @ApiProperty({ ...TEXT, description: 'What Tripletex said last.' })
  detail!: string | null;

  @ApiProperty()
  subscribed!: boolean;

  @ApiProperty(MOMENT)
  subscribedAt!: Date | null;

  @ApiProperty(MOMENT)
  checkedAt!: Date | null;

  @ApiProperty({ ...MOMENT, description: 'A refused, disabled or failed one is retried then.' })
  retryAt!: Date | null;
}

export class FullSyncStateDto {
  @ApiProperty({ enum: Object.values(FullSyncStatuses), enumName: 'FullSyncStatus' })
  status!: FullSyncStatus;

  @ApiProperty({ type: 'integer' })
  generation!: number;

  @ApiProperty({ type: 'integer' })
  pagesDone!: number;

  @ApiProperty({ type: 'integer' })
  customersSynced!: number;

  @ApiProperty(MOMENT)
  startedAt!: Date | null;

  @ApiProperty(MOMENT)
  finishedAt!: Date | null;
}

export class IncrementalSyncDto {
  @ApiProperty(MOMENT)
  changedSince!: Date | null;

  @ApiProperty(MOMENT)
  lastRunAt!: Date | null;
}

@ApiSchema({ name: 'SyncStatus' })
export class SyncStatusDto implements SyncStatusView {
  @ApiProperty({ description: 'The integration is active: customers are kept in step.' })
  active!: boolean;

  @ApiProperty({ type: WebhookStateDto })
  webhooks!: WebhookStateDto;

  @ApiProperty({ type: FullSyncStateDto })
  fullSync!: FullSyncStateDto;

  @ApiProperty({ type: IncrementalSyncDto })
  incremental!: IncrementalSyncDto;

  @ApiProperty({ type: 'integer', description: 'Customers in the mirror (not deleted ones).' })
  customers!: number;

  @ApiProperty(TEXT)
  lastError!: string | null;

  @ApiProperty(MOMENT)
  lastErrorAt!: Date | null;

  @ApiProperty(MOMENT)
  retryAt!: Date | null;
}

export class FullSyncRequestedStateDto {
  @ApiProperty({ enum: Object.values(FullSyncStatuses), enumName: 'FullSyncStatus' })
  status!: FullSyncStatus;

  @ApiProperty({ type: 'integer' })
  generation!: number;
}

@ApiSchema({ name: 'ResyncRequested' })
export class ResyncDto {
  @ApiProperty({ type: FullSyncRequestedStateDto })
  fullSync!: FullSyncRequestedStateDto;
}
