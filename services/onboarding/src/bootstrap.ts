import { kafkaTransport } from '@pos-tripletex/messaging';
import {
  RunningService,
  runService,
  ServiceAppOptions,
  startService,
} from '@pos-tripletex/platform';
import { OnboardingEnv } from './config/env.schema';

export const SERVICE_NAME = 'onboarding';

function options(port?: number): ServiceAppOptions {
  return {
    service: SERVICE_NAME,
    env: OnboardingEnv,
    // Imported lazily: the environment is validated when the module is imported.
    module: async () => (await import('./app.module')).AppModule,
    microservice: kafkaTransport,
    port,
  };
}

/** Runs the service until SIGTERM (main.ts). */
export function bootstrap(): Promise<void> {
  return runService(options());
}

/** Starts the real service in-process on a free port (integration tests). */
export function startForTest(): Promise<RunningService> {
  return startService(options(0));
}
