import { KafkaServiceEnv } from '@pos-tripletex/platform';

/** The whole environment of sales-export: every variable, with its local default. See .env.example. */
export class SalesExportEnv extends KafkaServiceEnv {
  override HTTP_PORT: number = 3002;
  override DATABASE_SCHEMA: string = 'sales_export';
  override KAFKA_CLIENT_ID: string = 'sales-export';
  override KAFKA_GROUP_ID: string = 'sales-export';
}
