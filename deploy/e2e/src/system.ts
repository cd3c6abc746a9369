import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { OnboardingClient, onboardingClient } from './backoffice-client';
import { Topics } from '@pos-tripletex/contracts';
import {
  backOfficeJwt,
  Collector,
  eventually,
  freePort,
  serviceEnv,
  SpawnedService,
  TestKafka,
  TestSandbox,
  testKafkaPrincipalEnv,
  TestSchema,
  testSecrets,
  uniqueName,
} from '@pos-tripletex/testing';

// The whole system as an operator runs it: the Tripletex sandbox, then every service as its own
// process (built dist/main.js) on real Kafka and PostgreSQL, each with its own schema and one
// consumer group shared by all its instances – what an operator does when one machine is not
// enough. Instances keep their port across a restart, so a killed one comes back at the same URL.

export const SERVICE_NAMES = ['onboarding', 'customer-sync', 'invoicing', 'sales-export'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ROOT = resolve(__dirname, '../../..');
export const mainOf = (name: ServiceName) => join(ROOT, 'services', name, 'dist/main.js');
const migrateOf = (name: ServiceName) => join(ROOT, 'services', name, 'dist/migrate.js');

/** How fast the services poll in a test run (production defaults are slower and gentler). */
const TUNING: Record<ServiceName, Record<string, string>> = {
  onboarding: {},
  'customer-sync': {
    SYNC_POLL_SECONDS: '1',
    CHANGED_SINCE_INTERVAL_SECONDS: '5',
    WEBHOOK_SETTLE_MS: '300',
  },
  invoicing: { INVOICE_POLL_MS: '200', INVOICE_LEASE_SECONDS: '10' },
  'sales-export': { EXPORT_POLL_MS: '200', EXPORT_LEASE_SECONDS: '10' },
};

export interface SystemOptions {
  /** Instances of every service, all in one consumer group per service (default 2). */
  instances?: number;
  /** Extra environment for the sandbox (latency, rate limit, …). */
  sandboxEnv?: Record<string, string>;
  /** Extra environment for every service. */
  env?: Record<string, string>;
}

export class Instance {
  constructor(
    readonly name: ServiceName,
    readonly index: number,
    readonly port: number,
    private readonly env: Record<string, string>,
    public process: SpawnedService,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The admin listener (metrics, docs, readiness details); it keeps its port across a restart. */
  get adminUrl(): string {
    return this.process.adminUrl;
  }

  /** The process has not exited (killed by a test or on its own). */
  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  /**
   * "name#index" of an instance, and for one that exited, how (code or signal) and its last log
   * lines: a test that finds an exited process says why it ended.
   */
  describeExit(lines = 15): string {
    const id = `${this.name}#${this.index}`;
    if (this.alive) return id;
    const { exitCode, signalCode } = this.process.child;
    const tail = (text: string) => text.trimEnd().split('\n').slice(-lines).join('\n');
    return `${id} exited (${signalCode ?? `code ${exitCode}`}):\nstderr:\n${tail(this.process.stderr)}\nstdout:\n${tail(this.process.stdout)}`;
  }

  /** kill -9: no drain, no goodbye to the broker or the database. */
  async kill(): Promise<void> {
    await this.process.stop('SIGKILL');
  }

  async restart(): Promise<void> {
    this.process = await SpawnedService.start(
      mainOf(this.name),
      this.env,
      this.port,
      this.process.adminPort,
    );
    await this.process.ready(90_000);
  }
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** A BackOffice call as the company's operator to a service at `baseUrl` (JSON in, JSON out). */
export async function backofficeCall<T = any>(
  baseUrl: string,
  jwtSecret: string,
  companyId: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const res = await fetch(`${baseUrl}/v1/companies/${companyId}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${backOfficeJwt(jwtSecret, companyId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

export class System {
  readonly services = new Map<ServiceName, Instance[]>();
  readonly groups = new Map<ServiceName, string>();
  private readonly schemas: TestSchema[] = [];
  private configs?: Collector;

  private constructor(
    readonly sandbox: TestSandbox,
    readonly kafka: TestKafka,
    readonly jwtSecret: string,
  ) {}

  static async start(options: SystemOptions = {}): Promise<System> {
    const instances = options.instances ?? 2;
    const sandbox = await TestSandbox.start(options.sandboxEnv);
    const secrets = testSecrets();
    const system = new System(sandbox, new TestKafka(), secrets.jwtSecret);
    try {
      for (const name of SERVICE_NAMES) {
        const schema = await TestSchema.create(`e2e_${name}`);
        system.schemas.push(schema);
        // Each service as its own Kafka principal: the broker's ACLs (deploy/kafka/acls.json) apply,
        // so its groups start with its name.
        const group = `${name}.${uniqueName('e2e')}`;
        system.groups.set(name, group);
        const base = {
          ...serviceEnv(schema.name),
          ...testKafkaPrincipalEnv(name),
          ...secrets.env,
          KAFKA_GROUP_ID: group,
          TRIPLETEX_BASE_URL: sandbox.apiUrl,
          TRIPLETEX_CONSUMER_TOKEN: sandbox.consumerToken,
          OUTBOX_POLL_INTERVAL_MS: '100',
          LOG_LEVEL: 'info',
          ...TUNING[name],
          ...options.env,
        };
        migrate(name, base);
        const list: Instance[] = [];
        for (let i = 0; i < instances; i++) {
          const port = await freePort();
          const env = {
            ...base,
            KAFKA_CLIENT_ID: `${name}-${i}`,
            ...(name === 'customer-sync' ? { WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
          };
          const process = await SpawnedService.start(mainOf(name), env, port);
          list.push(new Instance(name, i, port, env, process));
        }
        system.services.set(name, list);
      }
      await Promise.all(system.all().map((i) => i.process.ready(90_000)));
      // New groups first replay the shared topics' history (as a new deployment does); a run
      // starts once they are at the end, so its own events are not queued behind old ones.
      const group = (name: ServiceName) => system.groups.get(name) as string;
      await system.caughtUp(Topics.IntegrationConfigV1, [
        group('sales-export'),
        group('invoicing'),
        group('customer-sync'),
      ]);
      await system.caughtUp(Topics.CheckoutCompletedV1, [
        `${group('sales-export')}-checkouts`,
        group('invoicing'),
      ]);
      return system;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  all(): Instance[] {
    return [...this.services.values()].flat();
  }

  /** The instances that exited, each with how and its last log lines ([] when all run). */
  exited(): string[] {
    return this.all()
      .filter((i) => !i.alive)
      .map((i) => i.describeExit());
  }

  instances(name: ServiceName): Instance[] {
    return this.services.get(name) ?? [];
  }

  /** onboarding's generated, typed client as the company's operator, on instance `index`. */
  onboarding(companyId: string, index = 0): OnboardingClient {
    return onboardingClient(this.instances('onboarding')[index].url, this.jwtSecret, companyId);
  }

  /** A BackOffice call as the company's operator, to instance `index` of a service. */
  async api<T = any>(
    name: ServiceName,
    companyId: string,
    method: string,
    path: string,
    body?: unknown,
    index = 0,
  ): Promise<ApiAnswer<T>> {
    const instance = this.instances(name)[index];
    return backofficeCall<T>(instance.url, this.jwtSecret, companyId, method, path, body);
  }

  /**
   * Waits until the consumer group (or groups, for sales-export's checkout group) of a service
   * is Stable with one member per running instance, each holding at least one partition.
   * Returns the partitions each member holds, per topic.
   */
  async sharedWork(
    name: ServiceName,
    group = this.groups.get(name) as string,
    timeoutMs = 60_000,
  ): Promise<Record<string, number[]>[]> {
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    try {
      return await eventually(
        async () => {
          const { groups } = await admin.describeGroups([group]);
          const [g] = groups;
          const running = this.instances(name).length;
          if (g.state !== 'Stable' || g.members.length !== running)
            throw new Error(`${group}: ${g.state} with ${g.members.length}/${running} members`);
          const assignments = g.members.map(
            (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {},
          );
          if (assignments.some((a) => Object.values(a).every((p) => p.length === 0)))
            throw new Error(`${group}: a member holds no partition`);
          return assignments;
        },
        { timeoutMs, intervalMs: 500 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits until every service has applied these companies' settings: their integration.config.v1
   * records are on the topic and every consuming group has read past them. Sales that arrive
   * before get the default day boundaries and are never re-derived (issue 15, item 1) – a real
   * defect, but not the one a fault case is about, so the suites sell only after this.
   */
  async settingsApplied(companyIds: string[], timeoutMs = 60_000): Promise<void> {
    this.configs ??= await this.kafka.collect([Topics.IntegrationConfigV1]);
    const configs = this.configs;
    await eventually(
      () => {
        const missing = companyIds.filter(
          (id) => !configs.messages.some((m) => m.key === id && m.value),
        );
        if (missing.length)
          throw new Error(`no integration.config.v1 yet for ${missing.join(', ')}`);
      },
      { timeoutMs, intervalMs: 100 },
    );
    const group = (name: ServiceName) => this.groups.get(name) as string;
    await this.caughtUp(
      Topics.IntegrationConfigV1,
      [group('sales-export'), group('invoicing'), group('customer-sync')],
      timeoutMs,
    );
  }

  /** Waits until the groups have consumed `topic` to its end (see TestKafka.caughtUp). */
  caughtUp(topic: string, groups: string[], timeoutMs = 600_000): Promise<void> {
    return this.kafka.caughtUp(topic, groups, timeoutMs);
  }

  async partitionsOf(topic: string): Promise<number> {
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.process.stop().catch(() => undefined)));
    await this.kafka.close().catch(() => undefined);
    await this.sandbox.stop().catch(() => undefined);
    await Promise.all(this.schemas.map((s) => s.drop().catch(() => undefined)));
  }
}

/** The explicit migrate step operators run before a service starts (dist/migrate.js). */
export function migrate(name: ServiceName, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [migrateOf(name)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(`migrations of ${name} failed:\n${result.stderr}\n${result.stdout}`);
}
