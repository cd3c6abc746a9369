import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { envValidator, HealthModule, LoggingModule } from '@pos-tripletex/platform';
import { SERVICE_NAME } from './bootstrap';
import { TripletexSandboxEnv } from './config/env.schema';

/**
 * A simulator of the Tripletex API v2 subset we use, for local runs and tests. This is the
 * bootable shell; the API itself (validated against shared/tripletex/openapi.subset.json) comes
 * with the Tripletex issue.
 */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: envValidator(TripletexSandboxEnv, SERVICE_NAME),
    }),
    LoggingModule.forService(SERVICE_NAME),
    HealthModule,
  ],
})
export class AppModule {}
