import { SecretBox } from '@pos-tripletex/platform';
import type { DataSource } from 'typeorm';
import { TestSchema } from '../db/test-database';
import { TestKafka } from '../kafka/test-kafka';
import { TestSandbox } from '../sandbox/test-sandbox';
import { testSecrets } from './secrets';
import { serviceEnv } from './service-basics';
import { freePort, SpawnedService } from './spawned-service';

export interface ServiceUnderTestOptions {
  /** Absolute path of the built entry point (dist/main.js). */
  mainJs: string;
  /** The service's DataSource factory (its migrations run before it starts). */
  createDataSource(env: Record<string, unknown>): DataSource;
  /** Prefix of the test's own schema. */
  schema: string;
  /** Extra environment (tuning for the test); may use the chosen HTTP port. */
  env?: (port: number) => Record<string, string>;
  /** The sandbox's environment (e.g. `SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: ''` for https only). */
  sandboxEnv?: Record<string, string>;
}

/**
 * One service as its own process against the test infrastructure: a Tripletex sandbox, a fresh
 * schema migrated by the service's own migrations, the shared secrets, a Kafka client for the
 * test. `stop()` takes everything down again.
 */
export class ServiceUnderTest {
  private constructor(
    readonly sandbox: TestSandbox,
    readonly schema: TestSchema,
    readonly kafka: TestKafka,
    private running: SpawnedService,
    readonly env: Record<string, string>,
    readonly jwtSecret: string,
    /** Seals employee tokens as onboarding does (for settings events the test publishes). */
    private ring: SecretBox,
    private readonly options: ServiceUnderTestOptions,
  ) {}

  static async start(options: ServiceUnderTestOptions): Promise<ServiceUnderTest> {
    const sandbox = await TestSandbox.start(options.sandboxEnv);
    const schema = await TestSchema.create(options.schema);
    const secrets = testSecrets();
    const port = await freePort();
    const env: Record<string, string> = {
      ...serviceEnv(schema.name),
      ...secrets.env,
      TRIPLETEX_BASE_URL: sandbox.apiUrl,
      TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
      OUTBOX_POLL_INTERVAL_MS: '100',
      ...options.env?.(port),
    };
    const ds = options.createDataSource(env);
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    const service = await SpawnedService.start(options.mainJs, env, port);
    await service.ready();
    const box = SecretBox.fromConfig(env.ENCRYPTION_KEYS, env.ENCRYPTION_ACTIVE_KEY_ID);
    return new ServiceUnderTest(
      sandbox,
      schema,
      new TestKafka(),
      service,
      env,
      secrets.jwtSecret,
      box,
      options,
    );
  }

  /** The service's process (a new one after `restart`). */
  get service(): SpawnedService {
    return this.running;
  }

  /** The service's key ring (ENCRYPTION_KEYS, ENCRYPTION_ACTIVE_KEY_ID), as it is now. */
  get box(): SecretBox {
    return this.ring;
  }

  /** The public listener (the API). */
  get url(): string {
    return this.running.url;
  }

  /**
   * Stops the service and starts it again – same port, schema and consumer group – with `change`
   * applied to its environment (e.g. a rotated key ring); resolves once it is ready.
   */
  async restart(change: Record<string, string>): Promise<void> {
    await this.running.stop();
    Object.assign(this.env, change);
    this.running = await SpawnedService.start(
      this.options.mainJs,
      this.env,
      Number(new URL(this.running.url).port),
    );
    await this.running.ready();
    this.ring = SecretBox.fromConfig(this.env.ENCRYPTION_KEYS, this.env.ENCRYPTION_ACTIVE_KEY_ID);
  }

  /** The admin listener: /metrics, /docs and the detailed /ready. */
  get adminUrl(): string {
    return this.service.adminUrl;
  }

  /**
   * Waits until the service's consumer groups have read the topics' history (records of earlier
   * tests on a shared broker), so a test's deadlines count only its own records.
   */
  async caughtUp(topics: Record<string, string[]>): Promise<void> {
    for (const [topic, groups] of Object.entries(topics)) await this.kafka.caughtUp(topic, groups);
  }

  /** Another instance of the same service (same group, schema and settings). */
  async another(): Promise<SpawnedService> {
    const instance = await SpawnedService.start(this.options.mainJs, this.env);
    await instance.ready();
    return instance;
  }

  async stop(): Promise<void> {
    await this.running.stop();
    await this.kafka.close();
    await this.sandbox.stop();
    await this.schema.drop();
  }
}
