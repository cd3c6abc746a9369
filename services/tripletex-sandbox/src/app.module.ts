import { Module } from '@nestjs/common';
import { HealthModule, LoggingModule, ServiceConfigModule } from '@pos-tripletex/platform';
import { SERVICE_NAME } from './bootstrap';
import { TripletexSandboxEnv } from './config/env.schema';
import { SandboxModule } from './sandbox.module';

/**
 * A faithful simulator of the Tripletex API v2 subset we use, for local runs and tests: /v2 follows
 * Tripletex's own OpenAPI document and observed behaviour; /_sandbox holds the operator switches.
 */
@Module({
  imports: [
    ServiceConfigModule.forService(TripletexSandboxEnv, SERVICE_NAME),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
    SandboxModule,
  ],
})
export class AppModule {}
