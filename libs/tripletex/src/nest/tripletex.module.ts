import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TripletexClient } from '../client/tripletex.client';

@Injectable()
class TripletexClientLifecycle implements OnApplicationShutdown {
  constructor(private readonly client: TripletexClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}

/**
 * One TripletexClient per process, configured from a TripletexServiceEnv (TRIPLETEX_BASE_URL,
 * TRIPLETEX_CONSUMER_TOKEN, TRIPLETEX_TIMEOUT_MS, TRIPLETEX_MAX_CONCURRENT_PER_COMPANY).
 */
@Global()
@Module({
  providers: [
    {
      provide: TripletexClient,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new TripletexClient({
          baseUrl: config.getOrThrow<string>('TRIPLETEX_BASE_URL'),
          consumerToken: config.getOrThrow<string>('TRIPLETEX_CONSUMER_TOKEN'),
          timeoutMs: config.get<number>('TRIPLETEX_TIMEOUT_MS'),
          maxConcurrentPerCompany: config.get<number>('TRIPLETEX_MAX_CONCURRENT_PER_COMPANY'),
          logger: new Logger('Tripletex'),
        }),
    },
    TripletexClientLifecycle,
  ],
  exports: [TripletexClient],
})
export class TripletexModule {}
