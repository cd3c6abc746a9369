import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
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

/** Every registered ReadinessCheck, run at once, each within a few seconds. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  /**
   * terminus's report: `ready` when every check passed; `body` names each dependency with its
   * details, and why a failing one is down (for the admin listener only: it is internals).
   */
  async report(): Promise<{ ready: boolean; body: HealthCheckResult }> {
    try {
      return { ready: true, body: await this.check() };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return { ready: false, body: error.getResponse() as HealthCheckResult };
    }
  }

  private check(): Promise<HealthCheckResult> {
    return this.health.check(
      this.registry.all().map((c) => async (): Promise<HealthIndicatorResult> => {
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
