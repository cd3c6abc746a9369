import {
  Global,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { gauge, ReadinessRegistry } from '@pos-tripletex/platform';
import { TripletexClient } from '../client/tripletex.client';
import { CompanyClients } from './company-clients';

const up = gauge({
  name: 'pos_tripletex_up',
  help: 'Whether Tripletex answered the last readiness probe (1) or not (0).',
});

/** Probe results are reused this long, so frequent /ready calls do not hammer Tripletex. */
const PROBE_CACHE_MS = 10_000;

/**
 * Tripletex in GET /ready: reachable or not, with the probe's status and latency. It makes /ready
 * fail only with READINESS_REQUIRES_TRIPLETEX=true (see base-env).
 */
@Injectable()
class TripletexReadiness implements OnModuleInit {
  private last?: { at: number; result: Awaited<ReturnType<TripletexClient['probe']>> };

  constructor(
    private readonly client: TripletexClient,
    private readonly readiness: ReadinessRegistry,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    const required = this.config.get<boolean>('READINESS_REQUIRES_TRIPLETEX') === true;
    this.readiness.register({
      name: 'tripletex',
      check: async () => {
        if (!this.last || Date.now() - this.last.at > PROBE_CACHE_MS)
          this.last = { at: Date.now(), result: await this.client.probe(2000) };
        const { reachable, status, ms, error } = this.last.result;
        up.set(reachable ? 1 : 0);
        const details = {
          reachable,
          required,
          ...(status === undefined ? {} : { httpStatus: status }),
          ms,
          ...(error ? { error } : {}),
          checkedAt: new Date(this.last.at).toISOString(),
        };
        if (!reachable && required)
          throw new Error(`Tripletex is unreachable: ${error ?? `HTTP ${status}`}`);
        return details;
      },
    });
  }
}

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
    CompanyClients,
    TripletexClientLifecycle,
    TripletexReadiness,
  ],
  exports: [TripletexClient, CompanyClients],
})
export class TripletexModule {}
