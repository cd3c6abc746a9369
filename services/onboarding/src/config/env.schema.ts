import { KafkaServiceEnv } from '@pos-tripletex/platform';

/** The whole environment of onboarding: every variable, with its local default. See .env.example. */
export class OnboardingEnv extends KafkaServiceEnv {
  override HTTP_PORT: number = 3001;
  override DATABASE_SCHEMA: string = 'onboarding';
  override KAFKA_CLIENT_ID: string = 'onboarding';
  override KAFKA_GROUP_ID: string = 'onboarding';
}
