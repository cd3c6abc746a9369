import { counter, enableDefaultMetrics } from '../metrics/metrics';
import { INestApplication, Type } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { EnvValidationError, loadEnv } from '../config/validate-env';
import { describeError } from '../errors/app-error';
import { AppErrorFilter, requestValidationPipe } from '../http/app-error.filter';
import { BACKOFFICE_AUTH, ErrorBodyDto } from '../http/api-docs';
import { createLogger } from '../logging/logging.module';
import type { BaseServiceEnv } from '../config/base-env';
import { ReadinessService } from '../health/readiness.service';
import { AdminModule, PublicRootModule } from './admin-listener';

const unhandledRejections = counter({
  name: 'pos_unhandled_rejections_total',
  help: 'Promise rejections no code awaited (bugs; logged instead of ending the process)',
});

export interface ServiceAppOptions {
  service: string;
  /** The service's environment class: checked before anything starts, with a readable error. */
  env: ClassConstructor<BaseServiceEnv>;
  /** Loads the root module. Config is validated when it is imported, so import it lazily. */
  module: () => Promise<Type<unknown>>;
  /**
   * The Kafka transport for a hybrid HTTP + microservice app, if the service consumes. It may take
   * providers from the app (created, not yet initialised).
   */
  microservice?: (config: ConfigService, app: INestApplication) => MicroserviceOptions;
  /** Overrides of the environment's HTTP port (tests pass 0). */
  port?: number;
  /** Overrides of the environment's ADMIN_HTTP_PORT (tests pass 0). */
  adminPort?: number;
  /** Nest's JSON body parser for every route (default true); `configure` may mount parsers itself. */
  bodyParser?: boolean;
  /** Keep each request's raw body (`req.rawBody`), e.g. to verify signed webhooks. */
  rawBody?: boolean;
  /**
   * OpenAPI docs at /docs (JSON at /docs/openapi.json) with this title and description, on the
   * listener API_DOCS_EXPOSURE names.
   */
  apiDocs?: { title: string; description: string };
  /** Last touches on the app before it starts (middleware, parsers). */
  configure?: (app: NestExpressApplication) => void;
}

export interface RunningService {
  app: NestExpressApplication;
  /** The public listener (the API, minimal /health and /ready). */
  url: string;
  /** The admin listener's app: detailed /health and /ready, and what is exposed as `admin`. */
  admin: NestExpressApplication;
  adminUrl: string;
  close(): Promise<void>;
}

/** How a process on this machine reaches a listener bound to `host`. */
function localUrl(host: string, server: { address(): unknown }): string {
  const address = server.address() as { port: number } | null;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address?.port ?? 0}`;
}

/**
 * Creates and starts a service: JSON logs, validation, error shape, Kafka consumer (hybrid
 * app), shutdown hooks, and two listeners: the public one (the API, /health and /ready answering
 * a status only) and the admin one (ADMIN_HTTP_HOST:ADMIN_HTTP_PORT: detailed readiness, and
 * /metrics and /docs where METRICS_EXPOSURE / API_DOCS_EXPOSURE say `admin`; `public` puts them
 * on the public listener, `off` nowhere). Order matters: `init` runs module hooks (topics
 * provisioned, checks registered) before the consumer subscribes, and HTTP listens last, the
 * public port after the admin one, so /ready never answers before the service can work.
 */
export async function startService(options: ServiceAppOptions): Promise<RunningService> {
  const env = loadEnv(options.env, options.service);
  enableDefaultMetrics(options.service);
  const module = await options.module();
  const app = await NestFactory.create<NestExpressApplication>(
    PublicRootModule.around(module, env.METRICS_EXPOSURE === 'public'),
    {
      bufferLogs: true,
      bodyParser: options.bodyParser ?? true,
      rawBody: options.rawBody ?? false,
      // Let start-up errors reach runService, which explains them and exits 1.
      abortOnError: false,
    },
  );
  options.configure?.(app);
  const docs =
    options.apiDocs && env.API_DOCS_EXPOSURE !== 'off'
      ? apiDocument(app, options.apiDocs.title, options.apiDocs.description)
      : undefined;
  if (docs && env.API_DOCS_EXPOSURE === 'public') serveApiDocs(app, docs);
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  app.useGlobalPipes(requestValidationPipe());
  app.useGlobalFilters(new AppErrorFilter());
  const config = app.get(ConfigService);
  if (options.microservice) {
    app.connectMicroservice<MicroserviceOptions>(options.microservice(config, app), {
      inheritAppConfig: true,
    });
  }
  await app.init();
  await app.startAllMicroservices();
  let admin: NestExpressApplication | undefined;
  try {
    admin = await NestFactory.create<NestExpressApplication>(
      AdminModule.forService({
        readiness: app.get(ReadinessService),
        metrics: env.METRICS_EXPOSURE === 'admin',
      }),
      { bufferLogs: true, bodyParser: false, abortOnError: false },
    );
    admin.useLogger(logger);
    admin.flushLogs();
    admin.useGlobalFilters(new AppErrorFilter());
    if (docs && env.API_DOCS_EXPOSURE === 'admin') serveApiDocs(admin, docs);
    await admin.listen(options.adminPort ?? env.ADMIN_HTTP_PORT, env.ADMIN_HTTP_HOST);
    await app.listen(options.port ?? env.HTTP_PORT, env.HTTP_HOST);
  } catch (error) {
    await admin?.close();
    await app.close();
    throw error;
  }
  const url = localUrl(env.HTTP_HOST, app.getHttpServer());
  const adminUrl = localUrl(env.ADMIN_HTTP_HOST, admin.getHttpServer());
  const adminServes = [
    'readiness details',
    ...(env.METRICS_EXPOSURE === 'admin' ? ['/metrics'] : []),
    ...(docs && env.API_DOCS_EXPOSURE === 'admin' ? ['/docs'] : []),
  ];
  logger.log(
    `${options.service} listening on ${url} (${env.HTTP_HOST}), admin (${adminServes.join(', ')}) on ${adminUrl} (${env.ADMIN_HTTP_HOST})`,
    'Bootstrap',
  );
  const running = admin;
  return {
    app,
    url,
    admin: running,
    adminUrl,
    close: async () => {
      await running.close();
      await app.close();
    },
  };
}

/**
 * The body of a service's main.ts: start it; on SIGTERM let Nest drain (stop consuming, finish
 * in-flight work, commit offsets) but never longer than SHUTDOWN_TIMEOUT_MS; print a readable
 * message and exit 1 when configuration is invalid or start-up fails.
 */
export async function runService(options: ServiceAppOptions): Promise<void> {
  const fallback = createLogger(options.service);
  try {
    const running = await startService(options);
    const timeoutMs = running.app.get(ConfigService).get<number>('SHUTDOWN_TIMEOUT_MS') ?? 25_000;
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      fallback.info({ signal }, `${signal} received: draining (at most ${timeoutMs} ms)`);
      setTimeout(() => {
        fallback.error(`shutdown did not finish within ${timeoutMs} ms; exiting`);
        process.exit(1);
      }, timeoutMs).unref();
      // close(): module destroy hooks, stop the consumer (in-flight work finishes, offsets
      // commit), stop HTTP, then close producers and the database.
      running.close().then(
        () => {
          fallback.info('stopped cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          fallback.error({ err: error }, `shutdown failed: ${describeError(error)}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // Every loop catches its own failures; this is the net under them. A rejection nobody awaited
    // (a bug) is logged and counted instead of ending the process, which Node would do by default.
    process.on('unhandledRejection', (reason) => {
      unhandledRejections.inc();
      fallback.error({ err: reason }, `unhandled rejection: ${describeError(reason)}`);
    });
  } catch (error) {
    if (error instanceof EnvValidationError) {
      fallback.fatal({ problems: error.problems }, error.message);
      console.error(`\n${error.message}\n`);
    } else {
      fallback.fatal({ err: error }, `${options.service} failed to start: ${describeError(error)}`);
    }
    process.exit(1);
  }
}

export type { INestApplication };

/**
 * A service's entry points from one description: `bootstrap` (main.ts: run until SIGTERM),
 * `startForTest` (integration tests: the real service in-process on a free port) and
 * `openApiDocument` (its OpenAPI document, nothing started).
 */
export function serviceEntryPoints(options: Omit<ServiceAppOptions, 'port' | 'adminPort'>): {
  bootstrap: () => Promise<void>;
  startForTest: () => Promise<RunningService>;
  /** The service's OpenAPI document, built without starting anything (buildApiDocument). */
  openApiDocument: () => Promise<OpenAPIObject>;
} {
  return {
    bootstrap: () => runService(options),
    startForTest: () => startService({ ...options, port: 0, adminPort: 0 }),
    openApiDocument: () => buildApiDocument(options),
  };
}

/** The OpenAPI document of an app, from its controllers' decorators. */
export function apiDocument(
  app: INestApplication,
  title: string,
  description: string,
): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        `${description}\n\nEvery route under \`/v1/companies/{companyId}\` needs a BackOffice bearer token (a JWT whose \`companyId\` claim is the company in the path; changes also need \`sub\`). Every error answers with one body, the \`ErrorBody\` schema: \`{statusCode, code, message, errors?, details?, requestId?}\` – \`code\` is stable and machine-readable, \`errors\` lists invalid fields (400 VALIDATION_FAILED), \`details\` what a code documents. Money is in øre (integers).`,
      )
      .setVersion('1')
      .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
      .addServer('/', 'The service itself (this document is served at /docs/openapi.json)')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "BackOffice's JWT: signed by the identity provider (RS256/ES256 via its JWKS or public key; HS256 only in development), with `exp`, a `companyId` claim (the company in the path) and `sub` (the user, recorded in the audit trail).",
        },
        BACKOFFICE_AUTH,
      )
      .build(),
    {
      extraModels: [ErrorBodyDto],
      // Stable, readable operation ids: `Wizard_setStartDate`.
      operationIdFactory: (controllerKey, methodKey) =>
        `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    },
  );
  // A route without a guard (/health, /ready) says so: no security, rather than none stated.
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
  typeNullableReferences(document);
  return document;
}

/**
 * A nullable property of a named schema (an enum with `enumName`) is `{ nullable, allOf: [$ref] }`;
 * OpenAPI 3.0 wants its `type` beside `nullable`, so it gets the referenced schema's.
 */
function typeNullableReferences(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  for (const schema of Object.values(schemas)) {
    for (const property of Object.values(schema.properties ?? {}) as SchemaObject[]) {
      const ref = (property.allOf?.[0] as { $ref?: string } | undefined)?.$ref;
      if (!property.nullable || property.type || !ref) continue;
      const target = schemas[ref.replace('#/components/schemas/', '')];
      if (target?.type) property.type = target.type;
    }
  }
}

/**
 * Placeholders for the variables a service's environment requires, so its module can be loaded
 * to describe its routes: the document is built in preview mode, where nothing is instantiated
 * and nothing connects, so no value is ever used.
 */
const DOCUMENT_ONLY_ENV: Record<string, string> = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  KAFKA_BROKERS: '127.0.0.1:1',
  AUTH_JWT_SECRET: 'openapi-document-only-secret-0123456789',
  ENCRYPTION_KEYS: `openapi:${Buffer.alloc(32).toString('base64')}`,
  ENCRYPTION_ACTIVE_KEY_ID: 'openapi',
  TRIPLETEX_CONSUMER_TOKEN: 'openapi-document-only',
};

/**
 * A service's OpenAPI document without its infrastructure: its module in Nest's preview mode
 * (controllers and providers are scanned, nothing is created, no database or broker is
 * touched), described by `apiDocument` exactly as `/docs` serves it. Used to write and check the
 * committed `services/<service>/openapi.json`.
 */
export async function buildApiDocument(
  options: Pick<ServiceAppOptions, 'service' | 'module' | 'apiDocs'>,
): Promise<OpenAPIObject> {
  if (!options.apiDocs) throw new Error(`${options.service} serves no API docs`);
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(DOCUMENT_ONLY_ENV)) {
    process.env[name] = value;
  }
  try {
    const app = await NestFactory.create<NestExpressApplication>(await options.module(), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    return apiDocument(app, options.apiDocs.title, options.apiDocs.description);
  } finally {
    for (const name of Object.keys(DOCUMENT_ONLY_ENV)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

/** Serves a document at /docs (Swagger UI) and /docs/openapi.json on `app` (either listener). */
export function serveApiDocs(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
