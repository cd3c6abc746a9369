import { BaseServiceEnv, EnvBoolean } from '@pos-tripletex/platform';
import { IsString, Matches } from 'class-validator';

/** The whole environment of the Tripletex sandbox. State is in memory; no database, no Kafka. */
export class TripletexSandboxEnv extends BaseServiceEnv {
  override HTTP_PORT: number = 3080;

  /** Consumer tokens the sandbox accepts (comma-separated); the deployment's TRIPLETEX_CONSUMER_TOKEN must be one. */
  @Matches(/^[^,\s]{8,}(,[^,\s]{8,})*$/, {
    message: 'SANDBOX_CONSUMER_TOKENS must be a comma-separated list of tokens of 8+ characters',
  })
  @IsString()
  SANDBOX_CONSUMER_TOKENS: string = 'sandbox-consumer-token';

  /** Seed the demo companies (with and without a bank account number) at start-up. */
  @EnvBoolean()
  SANDBOX_SEED_DEMO: boolean = true;
}
