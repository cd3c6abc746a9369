import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { describeError } from '../errors/app-error';
import { ReadinessRegistry } from './readiness';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Liveness: the process is up and its event loop answers. Checks nothing external. */
  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: every registered dependency answers; otherwise 503 with terminus's body (which
   * dependency is down and why), not the generic error envelope that would hide it.
   */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.check();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }

  private check() {
    return this.health.check(
      this.readiness.all().map((c) => async (): Promise<HealthIndicatorResult> => {
        const session = this.indicators.check(c.name);
        try {
          const details = await withTimeout(c.check(), CHECK_TIMEOUT_MS);
          return session.up(details ?? {});
        } catch (error) {
          return session.down({ message: describeError(error) });
        }
      }),
    );
  }
}
