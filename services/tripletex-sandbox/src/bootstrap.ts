import { serviceEntryPoints } from '@pos-tripletex/platform';
import { json } from 'express';
import { TripletexSandboxEnv } from './config/env.schema';

export const SERVICE_NAME = 'tripletex-sandbox';

/** `bootstrap` runs the sandbox until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: TripletexSandboxEnv,
  module: async () => (await import('./app.module')).AppModule,
  // /v2 reads raw bodies itself (Tripletex answers bad JSON with its own 422); only the
  // operator switches take parsed JSON.
  bodyParser: false,
  configure: (app) => {
    app.use('/_sandbox', json({ limit: '1mb' }));
  },
});
