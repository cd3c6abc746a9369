import {
  RunningService,
  runService,
  ServiceAppOptions,
  startService,
} from '@pos-tripletex/platform';
import { TripletexSandboxEnv } from './config/env.schema';

export const SERVICE_NAME = 'tripletex-sandbox';

function options(port?: number): ServiceAppOptions {
  return {
    service: SERVICE_NAME,
    env: TripletexSandboxEnv,
    module: async () => (await import('./app.module')).AppModule,
    port,
  };
}

/** Runs the sandbox until SIGTERM (main.ts). */
export function bootstrap(): Promise<void> {
  return runService(options());
}

/** Starts the sandbox in-process on a free port (integration tests). */
export function startForTest(): Promise<RunningService> {
  return startService(options(0));
}
