import { kafkaTransport } from '@pos-tripletex/messaging';
import { serviceEntryPoints } from '@pos-tripletex/platform';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { OnboardingEnv } from './config/env.schema';

export const SERVICE_NAME = 'onboarding';

/** `bootstrap` runs the service until SIGTERM (main.ts); `startForTest` starts it on a free port. */
export const { bootstrap, startForTest } = serviceEntryPoints({
  service: SERVICE_NAME,
  env: OnboardingEnv,
  // Imported lazily: the environment is validated when the module is imported.
  module: async () => (await import('./app.module')).AppModule,
  microservice: kafkaTransport,
  configure: (app) => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('pos-tripletex onboarding')
        .setDescription(
          'BackOffice API of "Company → Integrations → Tripletex": verify the employee token, the wizard, settings, look-ups. Errors: {statusCode, code, message, errors?[field, messages], details?}.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  },
});
