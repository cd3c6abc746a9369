import { TripletexServiceEnv } from '@pos-tripletex/platform';
import { IsInt, Max, Min } from 'class-validator';

/** The whole environment of onboarding: every variable, with its local default. See .env.example. */
export class OnboardingEnv extends TripletexServiceEnv {
  override HTTP_PORT: number = 3001;
  override ADMIN_HTTP_PORT: number = 9001;
  override DATABASE_SCHEMA: string = 'onboarding';
  override KAFKA_CLIENT_ID: string = 'onboarding';
  override KAFKA_GROUP_ID: string = 'onboarding';

  /** A stored token is checked against Tripletex again when its last check is this old. */
  @Max(24 * 30)
  @Min(1)
  @IsInt()
  REVERIFY_INTERVAL_HOURS: number = 24;

  /** How often the re-verification worker looks for due (or reported) tokens. */
  @Max(3600)
  @Min(1)
  @IsInt()
  REVERIFY_POLL_SECONDS: number = 60;

  /** Companies whose token is re-verified in parallel by one instance. */
  @Max(32)
  @Min(1)
  @IsInt()
  REVERIFY_CONCURRENCY: number = 4;

  /**
   * How often stored tokens sealed with an old key (or the legacy format) are sealed again with
   * the active one; also at start-up (key rotation, root README).
   */
  @Max(86_400)
  @Min(1)
  @IsInt()
  ENCRYPTION_RESEAL_INTERVAL_SECONDS: number = 600;
}
