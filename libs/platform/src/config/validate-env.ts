import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validateSync } from 'class-validator';
import { DatabaseServiceEnv } from './base-env';
import { developmentSecretsIn } from './development-secrets';

/** Thrown at start-up when the environment is incomplete or wrong. Never carries a value. */
export class EnvValidationError extends Error {
  constructor(
    readonly service: string,
    readonly problems: { variable: string; messages: string[] }[],
  ) {
    super(
      `Invalid configuration for ${service}:\n` +
        problems.map((p) => `  - ${p.variable}: ${p.messages.join('; ')}`).join('\n') +
        '\nSet these environment variables (see the README configuration table and .env.example).',
    );
    this.name = 'EnvValidationError';
  }
}

function describe(errors: ValidationError[]): { variable: string; messages: string[] }[] {
  return errors.map((e) => ({
    variable: e.property,
    messages: Object.values(e.constraints ?? {}).map((m) =>
      m.replace(new RegExp(`^${e.property} `), ''),
    ),
  }));
}

/**
 * Reads and checks the environment into a typed class (defaults are its property initialisers).
 * The error names every bad variable and what is expected of it, never its value: several are
 * secrets.
 */
export function loadEnv<T extends object>(
  cls: ClassConstructor<T>,
  service: string,
  source: Record<string, unknown> = process.env,
): T {
  // Only the variables the class declares; empty strings count as unset, so `FOO=` in an env
  // file falls back to the default.
  const declared = new Set([
    ...Object.keys(new cls()),
    ...getMetadataStorage()
      .getTargetValidationMetadatas(cls, '', true, false)
      .map((m) => m.propertyName),
  ]);
  const present = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => declared.has(k) && v !== '' && v !== undefined),
  );
  const env = plainToInstance(cls, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, {
    skipMissingProperties: false,
    stopAtFirstError: true,
    whitelist: false,
    validationError: { target: false, value: false },
  });
  // Production never runs on the secrets this repository publishes for laptops; every problem is
  // named at once.
  const published =
    (env as { NODE_ENV?: string }).NODE_ENV === 'production'
      ? developmentSecretsIn(env as Record<string, unknown>)
      : [];
  if (errors.length > 0 || published.length > 0)
    throw new EnvValidationError(service, [...describe(errors), ...published]);
  return env;
}

/** `ConfigModule.forRoot({ validate })` adapter. */
export function envValidator<T extends object>(cls: ClassConstructor<T>, service: string) {
  return (config: Record<string, unknown>): T => loadEnv(cls, service, config);
}

/**
 * Only the database part of a service's environment (for the migrate step and the TypeORM CLI,
 * which need no Kafka, secrets or Tripletex settings), with the service's own schema default.
 */
export function loadDatabaseEnv(
  serviceEnv: ClassConstructor<DatabaseServiceEnv>,
  service: string,
  source: Record<string, unknown> = process.env,
): DatabaseServiceEnv {
  const given = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== '' && v !== undefined),
  );
  return loadEnv(DatabaseServiceEnv, service, {
    DATABASE_SCHEMA: new serviceEnv().DATABASE_SCHEMA,
    ...given,
  });
}
