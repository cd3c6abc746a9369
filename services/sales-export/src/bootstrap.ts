import { kafkaTransport } from '@pos-tripletex/messaging';
import { serviceEntryPoints } from '@pos-tripletex/platform';
import { SalesExportEnv } from './config/env.schema';

export const SERVICE_NAME = 'sales-export';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest, openApiDocument } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: SalesExportEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
  microservice: kafkaTransport,
  apiDocs: {
    title: 'pos-tripletex sales-export',
    description:
      'Business days posted to Tripletex as ledger vouchers: status per day, voucher preview, gaps, backfill progress, re-export.',
  },
});
