import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DatabaseServiceEnv } from '../config/base-env';
import { ReadinessRegistry } from '../health/readiness';
import { DatabaseSetup, typeOrmOptions } from './typeorm-options';

@Injectable()
class DatabaseReadiness implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({
      name: 'database',
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
  }
}

/** The service's TypeORM connection (from the validated env) and its readiness check. */
@Module({})
export class DatabaseModule {
  static forService(setup: DatabaseSetup): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            typeOrmOptions(
              {
                DATABASE_URL: config.getOrThrow<string>('DATABASE_URL'),
                DATABASE_SCHEMA: config.getOrThrow<string>('DATABASE_SCHEMA'),
                DATABASE_POOL_MAX: config.getOrThrow<number>('DATABASE_POOL_MAX'),
                DATABASE_SSL: config.getOrThrow<boolean>('DATABASE_SSL'),
              } as DatabaseServiceEnv,
              setup,
            ),
        }),
      ],
      providers: [DatabaseReadiness],
    };
  }
}
