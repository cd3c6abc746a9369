import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness';
import { ReadinessService } from './readiness.service';

/**
 * GET /health (liveness) and GET /ready (every registered ReadinessCheck) on the public port,
 * answering a status only. The admin listener (see startService) serves the details and, as
 * configured, GET /metrics.
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessRegistry, ReadinessService],
  exports: [ReadinessRegistry, ReadinessService],
})
export class HealthModule {}
