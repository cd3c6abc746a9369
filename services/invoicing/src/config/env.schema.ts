import { TripletexServiceEnv } from '@pos-tripletex/platform';
import { IsInt, Max, Min } from 'class-validator';

/** The whole environment of invoicing: every variable, with its local default. See .env.example. */
export class InvoicingEnv extends TripletexServiceEnv {
  override HTTP_PORT: number = 3004;
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

  /** An attempt not recorded within this time is presumed dead and retried (with a look-up first). */
  @Max(3600)
  @Min(10)
  @IsInt()
  INVOICE_LEASE_SECONDS: number = 120;

  /** Due days when the customer has no payment terms in Tripletex. */
  @Max(365)
  @Min(0)
  @IsInt()
  DEFAULT_DUE_DAYS: number = 14;

  /** How often collective invoicing checks whether a company's cadence is due. */
  @Max(24 * 60)
  @Min(1)
  @IsInt()
  COLLECTIVE_CHECK_MINUTES: number = 60;
}
