import { counter, enableDefaultMetrics } from '../metrics/metrics';
import { INestApplication, Type } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { EnvValidationError, loadEnv } from '../config/validate-env';
import { describeError } from '../errors/app-error';
import { AppErrorFilter, requestValidationPipe } from '../http/app-error.filter';
import { createLogger } from '../logging/logging.module';

const unhandledRejections = counter({
  name: 'pos_unhandled_rejections_total',
  help: 'Promise rejections no code awaited (bugs; logged instead of ending the process)',
});

export interface ServiceAppOptions {
  service: string;
  /** The service's environment class: checked before anything starts, with a readable error. */
  env: ClassConstructor<object>;
  /** Loads the root module. Config is validated when it is imported, so import it lazily. */
  module: () => Promise<Type<unknown>>;
  /**
   * The Kafka transport for a hybrid HTTP + microservice app, if the service consumes. It may take
   * providers from the app (created, not yet initialised).
   */
  microservice?: (config: ConfigService, app: INestApplication) => MicroserviceOptions;
  /** Overrides of the environment's HTTP port (tests pass 0). */
  port?: number;
  /** Nest's JSON body parser for every route (default true); `configure` may mount parsers itself. */
  bodyParser?: boolean;
  /** Keep each request's raw body (`req.rawBody`), e.g. to verify signed webhooks. */
  rawBody?: boolean;
  /** Publish OpenAPI docs at /docs (JSON at /docs/openapi.json) with this title and description. */
  apiDocs?: { title: string; description: string };
  /** Last touches on the app before it starts (middleware, parsers). */
  configure?: (app: NestExpressApplication) => void;
}

export interface RunningService {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Creates and starts a service: JSON logs, validation, error shape, Kafka consumer (hybrid
 * app), shutdown hooks. Order matters: `init` runs module hooks (topics provisioned, checks
 * registered) before the consumer subscribes, and HTTP listens last, so /ready never answers
 * before the service can work.
 */
export async function startService(options: ServiceAppOptions): Promise<RunningService> {
  loadEnv(options.env, options.service);
  enableDefaultMetrics(options.service);
  const module = await options.module();
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: options.bodyParser ?? true,
    rawBody: options.rawBody ?? false,
    // Let start-up errors reach runService, which explains them and exits 1.
    abortOnError: false,
  });
  options.configure?.(app);
  if (options.apiDocs) setupApiDocs(app, options.apiDocs.title, options.apiDocs.description);
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
  const port = options.port ?? config.getOrThrow<number>('HTTP_PORT');
  const host = config.get<string>('HTTP_HOST') ?? '0.0.0.0';
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}`;
  logger.log(`${options.service} listening on ${host}:${actualPort}`, 'Bootstrap');
  return { app, url, close: () => app.close() };
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
 * A service's two entry points from one description: `bootstrap` (main.ts: run until SIGTERM)
 * and `startForTest` (integration tests: the real service in-process on a free port).
 */
export function serviceEntryPoints(options: Omit<ServiceAppOptions, 'port'>): {
  bootstrap: () => Promise<void>;
  startForTest: () => Promise<RunningService>;
} {
  return {
    bootstrap: () => runService(options),
    startForTest: () => startService({ ...options, port: 0 }),
  };
}

/** OpenAPI at /docs and /docs/openapi.json, from the controllers' decorators. */
export function setupApiDocs(app: INestApplication, title: string, description: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        `${description} Errors: {statusCode, code, message, errors?: [{field, messages}], details?, requestId}.`,
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
