import { TripletexServiceEnv } from '@pos-tripletex/platform';
import { IsInt, Matches, Max, Min } from 'class-validator';

/** The whole environment of sales-export: every variable, with its local default. See .env.example. */
export class SalesExportEnv extends TripletexServiceEnv {
  override HTTP_PORT: number = 3002;
  override ADMIN_HTTP_PORT: number = 9002;
  override DATABASE_SCHEMA: string = 'sales_export';
  override KAFKA_CLIENT_ID: string = 'sales-export';
  override KAFKA_GROUP_ID: string = 'sales-export';

  /**
   * Consumer group of the batch consumer of pos.checkout.completed.v1 (it cannot share the group of
   * the Nest transport, which consumes other topics). Empty: `<KAFKA_GROUP_ID>-checkouts`.
   */
  @Matches(/^[A-Za-z0-9._-]{0,100}$/)
  CHECKOUT_CONSUMER_GROUP_ID: string = '';

  /** Checkout records stored per database transaction. */
  @Max(5000)
  @Min(1)
  @IsInt()
  INGEST_CHUNK_SIZE: number = 500;

  /**
   * Partitions of pos.checkout.completed.v1 ingested at once: one chunk is parsed while another is
   * in PostgreSQL (a company's records share a partition, so they stay in order).
   */
  @Max(64)
  @Min(1)
  @IsInt()
  INGEST_CONCURRENCY: number = 2;

  /** Most bytes of checkout records fetched per partition at once (bounds the memory of a fetch). */
  @Max(64 * 1024 * 1024)
  @Min(64 * 1024)
  @IsInt()
  INGEST_FETCH_BYTES_PER_PARTITION: number = 1024 * 1024;

  /** Days exported in parallel by one instance (one at a time per company, so days go in order). */
  @Max(64)
  @Min(1)
  @IsInt()
  EXPORT_WORKERS: number = 4;

  /** How often the worker looks for days to close and to export. */
  @Max(60_000)
  @Min(50)
  @IsInt()
  EXPORT_POLL_MS: number = 1000;

  /**
   * The lease on a claimed day. The worker extends it every third of its length while it works (a
   * heartbeat); only a dead or cut-off worker's lease runs out, and then the day is taken over
   * (looking up the voucher first).
   */
  @Max(3600)
  @Min(2)
  @IsInt()
  EXPORT_LEASE_SECONDS: number = 120;
}
