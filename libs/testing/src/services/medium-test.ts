import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SecretBox } from '@pos-tripletex/platform';
import type { DataSource } from 'typeorm';
import { TestSchema } from '../db/test-database';
import { TestSandbox } from '../sandbox/test-sandbox';
import { testSecrets } from './secrets';
import { serviceEnv } from './service-basics';

export interface MediumTestOptions {
  /** Prefix of the test's own schema. */
  schema: string;
  /** The service's DataSource factory (its migrations run first). */
  createDataSource(env: Record<string, unknown>): DataSource;
  /**
   * Loads the module under test *after* the environment is set, e.g.
   * `() => import('../app.module').then((m) => m.AppModule)` (validation runs at import).
   */
  load(): Promise<Type<unknown>>;
  /** Extra environment, e.g. a long poll interval so the service's own workers stay out of the way. */
  env?: Record<string, string>;
  /** The sandbox's environment (e.g. `SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: ''` for https only). */
  sandboxEnv?: Record<string, string>;
}

/**
 * The medium test tier (Immich's idea): one use case of a service in-process – its Nest module
 * compiled and initialised as in production, over a fresh schema of the real PostgreSQL, the real
 * broker and a Tripletex sandbox – calling its providers directly, one behaviour per `it`. No
 * HTTP listener and no Kafka transport: what only a whole process can show stays in the flow
 * suites.
 */
export class MediumTest {
  private constructor(
    readonly app: INestApplication,
    readonly sandbox: TestSandbox,
    readonly schema: TestSchema,
    readonly env: Record<string, string>,
    /** Seals employee tokens as onboarding does. */
    readonly box: SecretBox,
    private readonly previousEnv: Record<string, string | undefined>,
  ) {}

  static async start(options: MediumTestOptions): Promise<MediumTest> {
    const sandbox = await TestSandbox.start(options.sandboxEnv);
    const schema = await TestSchema.create(options.schema);
    const secrets = testSecrets();
    const env: Record<string, string> = {
      ...serviceEnv(schema.name),
      ...secrets.env,
      HTTP_PORT: '0',
      TRIPLETEX_BASE_URL: sandbox.apiUrl,
      TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
      OUTBOX_POLL_INTERVAL_MS: '100',
      ...options.env,
    };
    const dataSource = options.createDataSource(env);
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    const previousEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const moduleRef = await Test.createTestingModule({ imports: [await options.load()] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
    const box = SecretBox.fromConfig(env.ENCRYPTION_KEYS, env.ENCRYPTION_ACTIVE_KEY_ID);
    return new MediumTest(app, sandbox, schema, env, box, previousEnv);
  }

  /** A provider of the module under test. */
  get<T>(type: Type<T>): T {
    return this.app.get(type, { strict: false });
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.sandbox.stop();
    await this.schema.drop();
    for (const [key, value] of Object.entries(this.previousEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
