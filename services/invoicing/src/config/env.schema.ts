import { TripletexServiceEnv } from '@pos-tripletex/platform';
import { IsInt, Max, Min } from 'class-validator';

/** The whole environment of invoicing: every variable, with its local default. See .env.example. */
export class InvoicingEnv extends TripletexServiceEnv {
  override HTTP_PORT: number = 3004;
  override ADMIN_HTTP_PORT: number = 9004;
  override DATABASE_SCHEMA: string = 'invoicing';
  override KAFKA_CLIENT_ID: string = 'invoicing';
  override KAFKA_GROUP_ID: string = 'invoicing';

  /** Invoice requests processed in parallel by one instance (across companies). */
  @Max(64)
  @Min(1)
  @IsInt()
  INVOICE_WORKERS: number = 8;

  @Max(60_000)
  @Min(50)
  @IsInt()
  INVOICE_POLL_MS: number = 500;

  /**
   * The lease on a claimed request or collective run. The worker extends it every third of its
   * length while it works (a heartbeat); only a dead or cut-off worker's lease runs out, and then
   * the request is retried (with a look-up first).
   */
  @Max(3600)
  @Min(2)
  @IsInt()
  INVOICE_LEASE_SECONDS: number = 120;

  /**
   * How often each company with requests that failed for want of a bank account number is asked
   * whether it has one now (one call per such company); those requests are then taken up again.
   */
  @Max(24 * 3600)
  @Min(1)
  @IsInt()
  BANK_ACCOUNT_CHECK_SECONDS: number = 60;

  /** How often collective invoicing checks whether a company's cadence is due. */
  @Max(24 * 3600)
  @Min(1)
  @IsInt()
  COLLECTIVE_CHECK_SECONDS: number = 3600;

  /** Collective runs (one customer's invoice each) worked on in parallel by one instance. */
  @Max(32)
  @Min(1)
  @IsInt()
  COLLECTIVE_WORKERS: number = 4;

  /** How long POST /collective-invoices/run waits for its runs before answering with PENDING ones. */
  @Max(600_000)
  @Min(0)
  @IsInt()
  COLLECTIVE_RUN_WAIT_MS: number = 60_000;
}
