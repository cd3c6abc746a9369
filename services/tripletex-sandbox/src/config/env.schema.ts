import { BaseServiceEnv, EnvBoolean } from '@pos-tripletex/platform';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** The whole environment of the Tripletex sandbox. State is in memory; no database, no Kafka. */
export class TripletexSandboxEnv extends BaseServiceEnv {
  override HTTP_PORT: number = 3080;
  override ADMIN_HTTP_PORT: number = 9080;

  /** Consumer tokens the sandbox accepts (comma-separated); the deployment's TRIPLETEX_CONSUMER_TOKEN must be one. */
  @Matches(/^[^,\s]{8,}(,[^,\s]{8,})*$/, {
    message: 'SANDBOX_CONSUMER_TOKENS must be a comma-separated list of tokens of 8+ characters',
  })
  @IsString()
  SANDBOX_CONSUMER_TOKENS: string = 'sandbox-consumer-token';

  /** Seed the demo companies (with and without a bank account number) at start-up. */
  @EnvBoolean()
  SANDBOX_SEED_DEMO: boolean = true;

  /**
   * Hosts whose plain-http webhook targets are accepted (comma-separated, e.g. `127.0.0.1,localhost`).
   * Empty (the default) is as strict as Tripletex: https targets only.
   */
  @Matches(/^[^,\s]*(,[^,\s]+)*$/, {
    message: 'SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS must be a comma-separated list of host names',
  })
  @IsString()
  SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: string = '';

  /** Pauses between the attempts of one webhook delivery (comma-separated milliseconds). */
  @Matches(/^\d+(,\d+)*$/, {
    message: 'SANDBOX_WEBHOOK_RETRY_DELAYS_MS must be comma-separated milliseconds, e.g. 500,2000',
  })
  @IsString()
  SANDBOX_WEBHOOK_RETRY_DELAYS_MS: string = '500,2000,5000,15000';

  /** Failed delivery attempts in a row after which a subscription is DISABLED_TOO_MANY_ERRORS. */
  @Max(10_000)
  @Min(1)
  @IsInt()
  SANDBOX_WEBHOOK_DISABLE_AFTER_FAILURES: number = 20;
}
