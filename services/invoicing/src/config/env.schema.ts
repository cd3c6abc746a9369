import { KafkaServiceEnv } from '@pos-tripletex/platform';

/** The whole environment of invoicing: every variable, with its local default. See .env.example. */
export class InvoicingEnv extends KafkaServiceEnv {
  override HTTP_PORT: number = 3004;
  override DATABASE_SCHEMA: string = 'invoicing';
  override KAFKA_CLIENT_ID: string = 'invoicing';
  override KAFKA_GROUP_ID: string = 'invoicing';
}
