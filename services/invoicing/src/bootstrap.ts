import { kafkaTransport } from '@pos-tripletex/messaging';
import { serviceEntryPoints } from '@pos-tripletex/platform';
import { InvoicingEnv } from './config/env.schema';

export const SERVICE_NAME = 'invoicing';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest, openApiDocument } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: InvoicingEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
  microservice: kafkaTransport,
  apiDocs: {
    title: 'pos-tripletex invoicing',
    description:
      'Checkouts charged by invoice: status, lists, pro forma receipts, collective invoicing.',
  },
});
