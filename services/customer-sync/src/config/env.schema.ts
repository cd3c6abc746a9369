import { HttpsInProduction, TripletexServiceEnv } from '@pos-tripletex/platform';
import { IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';

/** The whole environment of customer-sync: every variable, with its local default. See .env.example. */
export class CustomerSyncEnv extends TripletexServiceEnv {
  override HTTP_PORT: number = 3003;
  override ADMIN_HTTP_PORT: number = 9003;
  override DATABASE_SCHEMA: string = 'customer_sync';
  override KAFKA_CLIENT_ID: string = 'customer-sync';
  override KAFKA_GROUP_ID: string = 'customer-sync';

  /**
   * Where Tripletex reaches this service for webhooks: https in production (Tripletex accepts no
   * other target). Empty: no webhooks, the customer list is kept current by polling alone.
   */
  @HttpsInProduction(
    'WEBHOOK_PUBLIC_URL must be an https:// URL with NODE_ENV=production (Tripletex delivers webhooks only to https targets); leave it empty to sync by polling only',
  )
  @Matches(/^https?:\/\/\S+$/, {
    message: 'WEBHOOK_PUBLIC_URL must be the http(s) base URL Tripletex can reach this service at',
  })
  @ValidateIf((env: CustomerSyncEnv) => env.WEBHOOK_PUBLIC_URL !== '')
  WEBHOOK_PUBLIC_URL: string = '';

  /** How often our webhook subscriptions are checked in Tripletex (a disabled one is re-enabled). */
  @Max(86_400)
  @Min(1)
  @IsInt()
  WEBHOOK_CHECK_INTERVAL_SECONDS: number = 600;

  /** Customers per Tripletex page. */
  @Max(1000)
  @Min(10)
  @IsInt()
  SYNC_PAGE_SIZE: number = 1000;

  @Max(3600)
  @Min(1)
  @IsInt()
  SYNC_POLL_SECONDS: number = 5;

  /**
   * How often customers changed in Tripletex are fetched (the polling that keeps the list current
   * with or without webhooks, and catches missed ones).
   */
  @Max(86_400)
  @Min(5)
  @IsInt()
  CHANGED_SINCE_INTERVAL_SECONDS: number = 300;

  /** How often every customer is synced again (reconciliation; finds deletions webhooks missed). */
  @Max(24 * 30)
  @Min(1)
  @IsInt()
  FULL_SYNC_INTERVAL_HOURS: number = 24;

  /** Pause between subscribing to webhooks and the first full sync (Tripletex's advice). */
  @Max(60_000)
  @Min(0)
  @IsInt()
  WEBHOOK_SETTLE_MS: number = 3000;

  /** Companies synced in parallel by one instance. */
  @Max(16)
  @Min(1)
  @IsInt()
  SYNC_CONCURRENCY: number = 4;

  /** Pages a full sync reads in one turn before the next company gets its turn. */
  @Max(1000)
  @Min(1)
  @IsInt()
  SYNC_PAGES_PER_TURN: number = 5;

  /**
   * How often webhook secrets and token copies sealed with an old key (or the legacy format) are
   * sealed again with the active one; also at start-up (key rotation, root README).
   */
  @Max(86_400)
  @Min(1)
  @IsInt()
  ENCRYPTION_RESEAL_INTERVAL_SECONDS: number = 600;

  /** The lease on a company claimed for sync work, extended by heartbeat while the work runs. */
  @Max(3600)
  @Min(2)
  @IsInt()
  SYNC_LEASE_SECONDS: number = 120;
}
