import { kafkaTransport } from '@pos-tripletex/messaging';
import { serviceEntryPoints } from '@pos-tripletex/platform';
import { CustomerSyncEnv } from './config/env.schema';

export const SERVICE_NAME = 'customer-sync';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest, openApiDocument } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: CustomerSyncEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
  microservice: kafkaTransport,
  // Webhook signatures are checked over the exact bytes Tripletex sent.
  rawBody: true,
  apiDocs: {
    title: 'pos-tripletex customer-sync',
    description: "Tripletex customers for BackOffice's Customers page and the POS customer picker.",
  },
});
