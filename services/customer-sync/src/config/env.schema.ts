import { KafkaServiceEnv } from '@pos-tripletex/platform';

/** The whole environment of customer-sync: every variable, with its local default. See .env.example. */
export class CustomerSyncEnv extends KafkaServiceEnv {
  override HTTP_PORT: number = 3003;
  override DATABASE_SCHEMA: string = 'customer_sync';
  override KAFKA_CLIENT_ID: string = 'customer-sync';
  override KAFKA_GROUP_ID: string = 'customer-sync';
}
