import { kafkaTransport } from '@pos-tripletex/messaging';
import { serviceEntryPoints } from '@pos-tripletex/platform';
import { OnboardingEnv } from './config/env.schema';

export const SERVICE_NAME = 'onboarding';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest, openApiDocument } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: OnboardingEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
  microservice: kafkaTransport,
  apiDocs: {
    title: 'pos-tripletex onboarding',
    description:
      'BackOffice API of "Company → Integrations → Tripletex": verify the employee token, the wizard, settings, look-ups.',
  },
});
