// A minimal real service used by the messaging integration tests (in-process and as a child
// process that gets killed): ConfigModule + DatabaseModule + MessagingModule + Kafka transport,
// one @EventPattern handler that applies an effect through the Inbox.
import { Controller, Inject, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import {
  AppError,
  DatabaseModule,
  envValidator,
  HealthModule,
  KafkaServiceEnv,
  LoggingModule,
  RunningService,
  startService,
} from '@pos-tripletex/platform';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  fromKafkaContext,
  Inbox,
  kafkaTransport,
  messagingEntities,
  messagingMigrations,
  MessagingModule,
} from '../../src';

export const PROBE_TOPIC = process.env.PROBE_TOPIC as string;

export interface ProbeEvent {
  eventId: string;
  /** What the handler should do: apply, fail transiently N times, or fail for good. */
  behaviour?: 'ok' | 'flaky' | 'final-error' | 'slow' | 'stall' | 'range-error';
  amount: number;
}

class ProbeEffects1764028800001 implements MigrationInterface {
  name = 'ProbeEffects1764028800001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE effects (event_id text NOT NULL, amount integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await q.query(
      `CREATE TABLE attempts (event_id text NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
    );
    await q.query(`CREATE TABLE deliveries (event_id text, at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deliveries');
    await q.query('DROP TABLE attempts');
    await q.query('DROP TABLE effects');
  }
}

export const probeMigrations = [...messagingMigrations, ProbeEffects1764028800001];

const flakyFailures = new Map<string, number>();

@Controller()
class ProbeConsumer {
  constructor(
    @Inject(Inbox) private readonly inbox: Inbox,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @EventPattern(PROBE_TOPIC)
  async onProbe(@Ctx() ctx: KafkaContext): Promise<void> {
    // Outside any transaction: counts how often Kafka handed us each record.
    const raw = ctx.getMessage().value?.toString('utf8') ?? '';
    await this.dataSource.query('INSERT INTO deliveries (event_id) VALUES ($1)', [
      /"eventId":"([^"]+)"/.exec(raw)?.[1] ?? null,
    ]);
    await this.inbox.process<ProbeEvent>(fromKafkaContext(ctx), {
      parse: (value) => {
        try {
          const event = JSON.parse(value?.toString('utf8') ?? '') as ProbeEvent;
          if (typeof event.eventId !== 'string' || typeof event.amount !== 'number') {
            return {
              ok: false,
              problems: [
                { path: 'eventId', code: 'REQUIRED', message: 'eventId and amount are required' },
              ],
            };
          }
          return { ok: true, event };
        } catch {
          return { ok: false, problems: [{ path: '', code: 'INVALID_JSON', message: 'not JSON' }] };
        }
      },
      eventId: (e) => e.eventId,
      handle: async (event, tx) => {
        await tx.query('INSERT INTO attempts (event_id) VALUES ($1)', [event.eventId]);
        if (event.behaviour === 'slow') await new Promise((r) => setTimeout(r, 1500));
        if (event.behaviour === 'stall') await new Promise((r) => setTimeout(r, 4000));
        if (event.behaviour === 'range-error')
          throw new RangeError('Maximum call stack size exceeded');
        if (event.behaviour === 'final-error') {
          throw new AppError('PROBE.REFUSED', `event ${event.eventId} can never be applied`);
        }
        if (event.behaviour === 'flaky') {
          const failures = flakyFailures.get(event.eventId) ?? 0;
          if (failures < 2) {
            flakyFailures.set(event.eventId, failures + 1);
            throw new AppError('PROBE.TRANSIENT', 'try again', { retriable: true });
          }
        }
        await tx.query('INSERT INTO effects (event_id, amount) VALUES ($1, $2)', [
          event.eventId,
          event.amount,
        ]);
      },
    });
    if (process.env.PROBE_CRASH_AFTER_EFFECT === '1') {
      // The effect is committed; the offset is not. Die the hardest way there is.
      process.kill(process.pid, 'SIGKILL');
    }
  }
}

class ProbeEnv extends KafkaServiceEnv {}

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      validate: envValidator(ProbeEnv, 'probe'),
    }),
    LoggingModule.forService('probe'),
    HealthModule,
    DatabaseModule.forService({
      service: 'probe',
      entities: messagingEntities,
      migrations: probeMigrations,
    }),
    MessagingModule.forService({ consumes: [PROBE_TOPIC], produces: [] }),
  ],
  controllers: [ProbeConsumer],
})
export class ProbeModule {}

export function startProbe(): Promise<RunningService> {
  return startService({
    service: 'probe',
    env: ProbeEnv,
    module: () => Promise.resolve(ProbeModule),
    microservice: kafkaTransport,
    port: 0,
    adminPort: 0,
  });
}
