import { BaseServiceEnv } from '@pos-tripletex/platform';

/** The whole environment of the Tripletex sandbox. State is in memory; no database, no Kafka. */
export class TripletexSandboxEnv extends BaseServiceEnv {
  override HTTP_PORT: number = 3080;
}
