import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ClassConstructor } from 'class-transformer';
import { TestFaults } from './test-faults';
import { envValidator, loadEnv } from './validate-env';

/**
 * A service's configuration: `ConfigModule` validated by the service's env class (start-up fails
 * naming every bad variable), and the validated env class itself as a global provider, so code
 * reads typed properties (`this.env.EXPORT_WORKERS`) whose defaults live only in the class.
 * Also the fault suite's crash points (`TestFaults`), inert outside NODE_ENV=test.
 */
@Module({})
export class ServiceConfigModule {
  static forService<T extends object>(
    envClass: ClassConstructor<T>,
    service: string,
  ): DynamicModule {
    return {
      module: ServiceConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: envValidator(envClass, service),
        }),
      ],
      providers: [{ provide: envClass, useFactory: () => loadEnv(envClass, service) }, TestFaults],
      exports: [envClass, TestFaults],
    };
  }
}
