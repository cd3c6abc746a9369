import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerContract } from 'typeorm';

/**
 * TypeORM's own messages (failed queries, slow queries, migrations) as structured log lines
 * instead of its plain-text console output. Query parameters are never logged: they can hold
 * secrets and personal data.
 */
export class TypeOrmLogger implements TypeOrmLoggerContract {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(): void {
    // Every query would drown the log; failed and slow ones are logged below.
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(
      { query: query.slice(0, 500) },
      `query failed: ${error instanceof Error ? error.message : error}`,
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ query: query.slice(0, 500), durationMs: time }, `slow query (${time} ms)`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug?.(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
