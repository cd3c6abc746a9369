import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { LOG_LEVELS } from '../config/base-env';
import { redactPaths, serializeRequest } from './redaction';
import { scrubbingStream } from './secret-scrubber';

const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/** pino options shared by the Nest logger and stand-alone scripts (migrate). */
export function pinoOptions(service: string, level: string): pino.LoggerOptions {
  return {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { req: serializeRequest },
  };
}

/** A logger for code outside Nest (migrations, scripts), with the same format and redaction. */
export function createLogger(service: string, level = process.env.LOG_LEVEL): pino.Logger {
  // This logger also reports invalid configuration, so it must not trust LOG_LEVEL itself.
  const valid = (LOG_LEVELS as readonly string[]).includes(level ?? '');
  return pino(
    pinoOptions(service, valid ? (level as string) : 'info'),
    scrubbingStream(process.stdout),
  );
}

/**
 * Structured JSON logs (one object per line) through nestjs-pino, with secret redaction by field
 * name and by registered value, request ids (x-request-id is honoured) and quiet health probes.
 */
@Module({})
export class LoggingModule {
  static forService(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            pinoHttp: [
              {
                ...pinoOptions(service, config.get<string>('LOG_LEVEL') ?? 'info'),
                genReqId: (req: IncomingMessage) => {
                  const given = req.headers['x-request-id'];
                  return typeof given === 'string' && /^[\w-]{1,100}$/.test(given)
                    ? given
                    : randomUUID();
                },
                autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(req.url ?? '') },
                quietReqLogger: true,
              },
              scrubbingStream(process.stdout),
            ],
          }),
        }),
      ],
    };
  }
}
