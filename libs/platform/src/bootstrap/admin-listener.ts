import { DynamicModule, Module, Type } from '@nestjs/common';
import { AdminHealthController } from '../health/health.controller';
import { ReadinessService } from '../health/readiness.service';
import { MetricsController } from '../metrics/metrics.controller';

/**
 * The admin listener's whole application: detailed GET /health and GET /ready (the service's own
 * readiness checks) and, when METRICS_EXPOSURE=admin, GET /metrics. /docs is mounted on it by
 * startService. Nothing of the API: every other path is Nest's plain 404.
 */
@Module({})
export class AdminModule {
  static forService(options: { readiness: ReadinessService; metrics: boolean }): DynamicModule {
    return {
      module: AdminModule,
      controllers: options.metrics
        ? [AdminHealthController, MetricsController]
        : [AdminHealthController],
      providers: [{ provide: ReadinessService, useValue: options.readiness }],
    };
  }
}

/** The service's root module, and GET /metrics beside it when METRICS_EXPOSURE=public. */
@Module({})
export class PublicRootModule {
  static around(module: Type<unknown>, metrics: boolean): DynamicModule {
    return {
      module: PublicRootModule,
      imports: [module],
      controllers: metrics ? [MetricsController] : [],
    };
  }
}
