import { Controller, Get, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { BaseServiceEnv } from '../config/base-env';
import { ServiceConfigModule } from '../config/service-config.module';
import { HealthModule } from '../health/health.module';
import { ReadinessRegistry } from '../health/readiness';
import { LoggingModule } from '../logging/logging.module';
import { RunningService, startService } from './bootstrap';

// The two listeners of a real service bootstrap, over real HTTP: what the outside sees on the
// public port, and what the admin listener serves, for each METRICS_EXPOSURE/API_DOCS_EXPOSURE.

class SurfaceEnv extends BaseServiceEnv {}

/** A dependency whose answer carries internals (a version, a host in its error). */
@Injectable()
class LedgerDatabase implements OnModuleInit {
  static down = false;
  constructor(private readonly registry: ReadinessRegistry) {}
  onModuleInit(): void {
    this.registry.register({
      name: 'ledger-db',
      check: () =>
        LedgerDatabase.down
          ? Promise.reject(new Error('connect ECONNREFUSED ledger.internal:5432'))
          : Promise.resolve({ version: '16.6', lagMs: 12 }),
    });
  }
}

@Controller('v1')
class ThingController {
  @Get('thing')
  thing(): { thing: true } {
    return { thing: true };
  }
}

function surfaceModule() {
  @Module({
    imports: [
      ServiceConfigModule.forService(SurfaceEnv, 'surface'),
      LoggingModule.forService('surface'),
      HealthModule,
    ],
    controllers: [ThingController],
    providers: [LedgerDatabase],
  })
  class SurfaceModule {}
  return SurfaceModule;
}

const saved = { ...process.env };
async function start(env: Record<string, string>): Promise<RunningService> {
  Object.assign(process.env, { LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
  return startService({
    service: 'surface',
    env: SurfaceEnv,
    module: () => Promise.resolve(surfaceModule()),
    apiDocs: { title: 'surface', description: 'A test service.' },
    port: 0,
    adminPort: 0,
  });
}

afterEach(() => {
  LedgerDatabase.down = false;
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

async function get(base: string, path: string) {
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const without = (body: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));

/** 404 exactly as for a path that never existed: no hint that anything lives there. */
async function expectNothingAt(base: string, paths: string[]): Promise<void> {
  const never = await get(base, '/never-a-route');
  expect(never.status).toBe(404);
  const neverBody = JSON.parse(never.text) as Record<string, unknown>;
  for (const path of paths) {
    const res = await get(base, path);
    expect({ path, status: res.status, type: res.type }).toEqual({
      path,
      status: 404,
      type: never.type,
    });
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body.message).toBe(`Cannot GET ${path}`);
    expect(without(body, 'message', 'requestId')).toEqual(
      without(neverBody, 'message', 'requestId'),
    );
  }
}

async function expectMetricsAndDocsAt(base: string): Promise<void> {
  const metrics = await get(base, '/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.type).toContain('text/plain');
  expect(metrics.text).toContain('process_cpu_user_seconds_total{service="surface"}');
  const ui = await get(base, '/docs');
  expect(ui.status).toBe(200);
  expect(ui.text).toContain('swagger-ui');
  const doc = JSON.parse((await get(base, '/docs/openapi.json')).text) as {
    paths: Record<string, unknown>;
  };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/thing', '/ready']));
}

const DOCS_PATHS = ['/docs', '/docs/openapi.json', '/docs-yaml'];

describe('the public listener with the defaults (metrics and docs on the admin listener)', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await start({});
  });
  afterAll(() => running.close());

  it('answers 404 for /metrics and /docs, as for a path that never existed', async () => {
    await expectNothingAt(running.url, ['/metrics', ...DOCS_PATHS]);
  });

  it('answers /health and /ready with a status and nothing else', async () => {
    expect(await get(running.url, '/health')).toMatchObject({
      status: 200,
      text: '{"status":"ok"}',
    });
    expect(await get(running.url, '/ready')).toMatchObject({
      status: 200,
      text: '{"status":"ok"}',
    });
    LedgerDatabase.down = true;
    expect(await get(running.url, '/ready')).toMatchObject({
      status: 503,
      text: '{"status":"unavailable"}',
    });
  });

  it('serves the API', async () => {
    expect(await get(running.url, '/v1/thing')).toMatchObject({ status: 200 });
  });

  it('has an admin listener on 127.0.0.1 serving metrics, docs and detailed readiness, and no API', async () => {
    expect((running.admin.getHttpServer().address() as AddressInfo).address).toBe('127.0.0.1');
    await expectMetricsAndDocsAt(running.adminUrl);
    const ready = await get(running.adminUrl, '/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({
      status: 'ok',
      info: { 'ledger-db': { status: 'up', version: '16.6' } },
    });
    LedgerDatabase.down = true;
    const down = await get(running.adminUrl, '/ready');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toMatchObject({
      status: 'error',
      error: { 'ledger-db': { status: 'down', message: expect.stringContaining('ECONNREFUSED') } },
    });
    await expectNothingAt(running.adminUrl, ['/v1/thing']);
  });
});

describe('METRICS_EXPOSURE=public and API_DOCS_EXPOSURE=public', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await start({ METRICS_EXPOSURE: 'public', API_DOCS_EXPOSURE: 'public' });
  });
  afterAll(() => running.close());

  it('serves metrics and docs on the public listener, and not on the admin one', async () => {
    await expectMetricsAndDocsAt(running.url);
    await expectNothingAt(running.adminUrl, ['/metrics', ...DOCS_PATHS]);
  });

  it('still keeps readiness details off the public listener', async () => {
    LedgerDatabase.down = true;
    expect(await get(running.url, '/ready')).toMatchObject({
      status: 503,
      text: '{"status":"unavailable"}',
    });
    expect((await get(running.adminUrl, '/ready')).text).toContain('ledger.internal');
  });
});

describe('METRICS_EXPOSURE=off and API_DOCS_EXPOSURE=off', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await start({ METRICS_EXPOSURE: 'off', API_DOCS_EXPOSURE: 'off' });
  });
  afterAll(() => running.close());

  it('serves metrics and docs nowhere', async () => {
    await expectNothingAt(running.url, ['/metrics', ...DOCS_PATHS]);
    await expectNothingAt(running.adminUrl, ['/metrics', ...DOCS_PATHS]);
    expect((await get(running.adminUrl, '/ready')).status).toBe(200);
  });
});
