import { serviceEntryPoints } from '@pos-tripletex/platform';
import { TripletexSandboxEnv } from './config/env.schema';

export const SERVICE_NAME = 'tripletex-sandbox';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: TripletexSandboxEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
});
