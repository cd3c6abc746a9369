/**
 * What anyone who reaches a running service's public port can learn of its operations, as
 * assertions (for the service suites, the e2e system and a security suite): the admin listener's
 * endpoints are simply absent, and /health and /ready carry a status and nothing else.
 */

/** Paths that live only on the admin listener (or nowhere) with the default settings. */
export const ADMIN_ONLY_PATHS = ['/metrics', '/docs', '/docs/openapi.json', '/docs-yaml'];

async function get(base: string, path: string) {
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const withoutPathAndRequest = (text: string) => {
  const {
    message: _message,
    requestId: _requestId,
    ...rest
  } = JSON.parse(text) as Record<string, unknown>;
  return rest;
};

/** Each path answers 404 exactly as a path that never existed does: no hint that it lives elsewhere. */
export async function expectNotServed(base: string, paths = ADMIN_ONLY_PATHS): Promise<void> {
  const never = await get(base, '/never-a-route');
  expect(never.status).toBe(404);
  for (const path of paths) {
    const res = await get(base, path);
    expect({ path, status: res.status, type: res.type }).toEqual({
      path,
      status: 404,
      type: never.type,
    });
    expect((JSON.parse(res.text) as { message: string }).message).toBe(`Cannot GET ${path}`);
    expect(withoutPathAndRequest(res.text)).toEqual(withoutPathAndRequest(never.text));
  }
}

/**
 * The public port of a service with the default settings: no /metrics or /docs, /health answers
 * `{"status":"ok"}` and /ready `{"status":"ok"}` or 503 `{"status":"unavailable"}` – byte for byte,
 * so no dependency name, version, message, host or lag can be in it.
 */
export async function expectClosedPublicSurface(publicUrl: string): Promise<void> {
  await expectNotServed(publicUrl);
  expect(await get(publicUrl, '/health')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
  const ready = await get(publicUrl, '/ready');
  expect([
    { status: 200, text: '{"status":"ok"}' },
    { status: 503, text: '{"status":"unavailable"}' },
  ]).toContainEqual({ status: ready.status, text: ready.text });
}

/**
 * The admin listener with the default settings: Prometheus metrics labelled with the service,
 * the OpenAPI docs (when the service has an API), and terminus's detailed /ready.
 */
export async function expectAdminSurface(
  adminUrl: string,
  service: {
    name: string;
    apiDocs: boolean;
    /** The committed OpenAPI document (services/<name>/openapi.json) the service must serve. */
    document?: unknown;
  },
): Promise<void> {
  const metrics = await get(adminUrl, '/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.type).toContain('text/plain');
  expect(metrics.text).toContain(`process_cpu_user_seconds_total{service="${service.name}"}`);
  const ready = await get(adminUrl, '/ready');
  expect(JSON.parse(ready.text)).toHaveProperty('details');
  if (service.apiDocs) {
    expect((await get(adminUrl, '/docs')).text).toContain('swagger-ui');
    const doc = JSON.parse((await get(adminUrl, '/docs/openapi.json')).text) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    if (service.document !== undefined) expect(doc).toEqual(service.document);
  } else {
    await expectNotServed(adminUrl, ['/docs', '/docs/openapi.json']);
  }
}
