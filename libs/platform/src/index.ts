import 'reflect-metadata';

export * from './errors/app-error';
export * from './config/validate-env';
export * from './config/base-env';
export * from './logging/redaction';
export * from './logging/secret-scrubber';
export * from './logging/logging.module';
export * from './health/readiness';
export * from './health/health.module';
export * from './database/snake-naming.strategy';
export * from './database/typeorm-options';
export * from './database/run-migrations';
export * from './database/database.module';
export * from './http/app-error.filter';
export * from './bootstrap/bootstrap';
export * from './security/secret-box';
export * from './security/backoffice-auth';
export * from './security/security.module';
