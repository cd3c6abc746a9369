import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TestSchema } from '../db/test-database';
import { testInfra, testKafkaSecurity, uniqueName } from '../env';
import { TestKafka } from '../kafka/test-kafka';
import { eventually } from '../eventually';
import { expectAdminSurface, expectClosedPublicSurface, expectNotServed } from './public-surface';
import { freePort, SpawnedService } from './spawned-service';

interface Running {
  url: string;
  adminUrl: string;
  close(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Absolute path of the built entry point (dist/main.js). */
  mainJs: string;
  /** Starts the service in-process on free ports. */
  start(): Promise<Running>;
  /** Has a BackOffice API documented at /docs (the sandbox has none). */
  apiDocs?: boolean;
  /** Extra environment (secrets, URLs) the service needs to start. */
  env?: Record<string, string>;
  /** Uses Kafka and a database schema (false for the sandbox). */
  infrastructure?: {
    createDataSource(env: Record<string, unknown>): DataSource;
    /** Topics the service must have created at start-up. */
    topics: string[];
  };
}

/** The environment a service under test gets: the test infra, its own schema and consumer group. */
export function serviceEnv(schema: string | undefined): Record<string, string> {
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    SHUTDOWN_TIMEOUT_MS: '20000',
  };
  if (schema) {
    const { kafkaBrokers, databaseUrl } = testInfra();
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: kafkaBrokers,
      ...testKafkaSecurity().env,
      KAFKA_GROUP_ID: uniqueName('group'),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    });
  }
  return env;
}

/**
 * What every service must do, as tests: boot for real with its migrations, answer /health and
 * /ready (a bare status on the public port, the details on the admin listener), keep /metrics and
 * /docs on the admin listener, provision its topics, refuse to start on bad configuration (naming
 * the variable, never printing its value), and drain and exit 0 on SIGTERM as a separate process.
 */
export function describeServiceBasics(spec: ServiceSpec): void {
  describe(`${spec.name} as a running service`, () => {
    let schema: TestSchema | undefined;
    let running: Running | undefined;
    let env: Record<string, string>;

    beforeAll(async () => {
      if (spec.infrastructure) {
        schema = await TestSchema.create(spec.name.replace(/-/g, '_'));
        env = { ...serviceEnv(schema.name), ...(spec.env ?? {}) };
        const ds = spec.infrastructure.createDataSource(env);
        await ds.initialize();
        await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema.name}"`);
        await ds.runMigrations({ transaction: 'each' });
        await ds.destroy();
      } else {
        env = { ...serviceEnv(undefined), ...(spec.env ?? {}) };
      }
      Object.assign(process.env, env);
      running = await spec.start();
    });

    afterAll(async () => {
      await running?.close();
      await schema?.drop();
    });

    it('answers /health, and /ready with every dependency up (the details on the admin listener)', async () => {
      const health = await fetch(`${running!.url}/health`);
      expect(health.status).toBe(200);
      const publicReady = await fetch(`${running!.url}/ready`);
      expect(publicReady.status).toBe(200);
      expect(await publicReady.text()).toBe('{"status":"ok"}');
      const ready = await fetch(`${running!.adminUrl}/ready`);
      const body = (await ready.json()) as {
        status: string;
        info: Record<string, { status: string }>;
      };
      expect(ready.status).toBe(200);
      expect(body.status).toBe('ok');
      if (spec.infrastructure) {
        expect(body.info).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
        // Tripletex is reported, but by default does not decide readiness.
        expect(body.info.tripletex).toMatchObject({ status: 'up', required: false });
      }
    });

    it('keeps /metrics, /docs and readiness details off its public port', async () => {
      await expectClosedPublicSurface(running!.url);
    });

    it('serves Prometheus metrics, labelled with the service, and its docs on the admin listener', async () => {
      await expectAdminSurface(running!.adminUrl, {
        name: spec.name,
        apiDocs: spec.apiDocs ?? false,
      });
      const text = await (await fetch(`${running!.adminUrl}/metrics`)).text();
      expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    });

    if (spec.infrastructure) {
      const infra = spec.infrastructure;

      it('has migrations that leave nothing for its entities to change', async () => {
        const ds = infra.createDataSource(env);
        await ds.initialize();
        try {
          const pending = await ds.driver.createSchemaBuilder().log();
          expect(pending.upQueries.map((q) => q.query)).toEqual([]);
          expect(await ds.showMigrations()).toBe(false);
        } finally {
          await ds.destroy();
        }
      });

      it('creates the topics it consumes and produces, with dead-letter topics', async () => {
        const kafka = new TestKafka();
        const admin = kafka.kafka.admin();
        await admin.connect();
        try {
          expect(await admin.listTopics()).toEqual(expect.arrayContaining(infra.topics));
        } finally {
          await admin.disconnect();
          await kafka.close();
        }
      });
    }

    if (spec.infrastructure) {
      it('answers /ready with 503 while Tripletex is unreachable, when told Tripletex is required', async () => {
        const closedPort = await freePort();
        const service = await SpawnedService.start(spec.mainJs, {
          ...env,
          TRIPLETEX_BASE_URL: `http://127.0.0.1:${closedPort}/v2`,
          READINESS_REQUIRES_TRIPLETEX: 'true',
        });
        try {
          await eventually(
            async () => {
              expect((await fetch(`${service.url}/ready`)).status).toBe(503);
              const res = await fetch(`${service.adminUrl}/ready`);
              const body = (await res.json()) as {
                info: Record<string, { status: string }>;
                error: Record<string, { status: string; message: string }>;
              };
              expect(res.status).toBe(503);
              expect(body.error.tripletex.status).toBe('down');
              expect(body.error.tripletex.message).toContain('Tripletex is unreachable');
              expect(body.info).toMatchObject({ database: { status: 'up' } });
            },
            { timeoutMs: 60_000, intervalMs: 500 },
          );
        } finally {
          await service.stop('SIGKILL');
        }
      });
    }

    it('refuses to start with bad configuration, naming the variable but not its value', async () => {
      const secret = `pw-${randomBytes(6).toString('hex')}`;
      const port = await freePort();
      const service = await SpawnedService.start(
        spec.mainJs,
        {
          ...env,
          LOG_LEVEL: 'loud',
          METRICS_EXPOSURE: 'everywhere',
          ADMIN_HTTP_PORT: String(port),
          ...(spec.infrastructure ? { DATABASE_URL: `mysql://user:${secret}@db/x` } : {}),
        },
        port,
      );
      const { code } = await service.exit();
      expect(code).toBe(1);
      expect(service.stderr).toContain(`Invalid configuration for ${spec.name}`);
      expect(service.stderr).toContain('LOG_LEVEL');
      expect(service.stderr).toContain('METRICS_EXPOSURE: must be public, admin or off');
      expect(service.stderr).toContain('ADMIN_HTTP_PORT: must differ from HTTP_PORT');
      if (spec.infrastructure) expect(service.stderr).toContain('DATABASE_URL');
      expect(service.stderr + service.stdout).not.toContain(secret);
    });

    it('runs as its own process with metrics and docs off (served nowhere), and drains and exits 0 on SIGTERM', async () => {
      const service = await SpawnedService.start(spec.mainJs, {
        ...env,
        LOG_LEVEL: 'info',
        KAFKA_GROUP_ID: uniqueName('group'),
        METRICS_EXPOSURE: 'off',
        API_DOCS_EXPOSURE: 'off',
      });
      try {
        await service.ready();
        await expectNotServed(service.url);
        await expectNotServed(service.adminUrl);
        expect((await fetch(`${service.adminUrl}/ready`)).status).toBe(200);
      } catch (error) {
        await service.stop('SIGKILL');
        throw error;
      }
      const { code } = await service.stop('SIGTERM');
      expect(code).toBe(0);
      expect(service.stdout).toContain('stopped cleanly');
      // Every line the service wrote is one JSON object (structured logs).
      for (const line of service.stdout.split('\n').filter(Boolean)) {
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
    });
  });
}
