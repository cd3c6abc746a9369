import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// A service's OpenAPI document and the client types made from it are committed beside the
// service (services/<service>/openapi.json, openapi.d.ts): BackOffice teams read and generate
// from them, and the e2e suite's typed client compiles against them without a network. This
// suite keeps them true: it builds the document from the code (Nest's preview mode, nothing
// started), and fails when the committed files differ, when the document is not valid OpenAPI
// (Redocly's recommended rules, zero problems), or when a BackOffice route answers untyped.
// `UPDATE_OPENAPI=1` writes them instead (`npx nx run <service>:openapi`). The tools are loaded
// when used, so the other suites importing @pos-tripletex/testing never load them.

const ROOT = join(__dirname, '../../../..');
const UPDATE = process.env.UPDATE_OPENAPI === '1';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: Json; example?: unknown }> }>;
};

/** `source` as the repository's prettier writes `file` (its CLI: its API needs ESM in jest). */
function prettier(source: string, file: string): string {
  return execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--stdin-filepath', file], {
    input: source,
    encoding: 'utf8',
  });
}

/** The document as committed: pretty JSON as the repository's prettier writes it. */
export function renderOpenApiJson(document: object, file: string): string {
  return prettier(JSON.stringify(document), file);
}

/** The TypeScript types openapi-typescript makes of the document (`paths`, `components`). */
export function renderOpenApiTypes(document: object, file: string): string {
  // Its CLI, as a BackOffice team runs it (its API loads ESM-only modules, which jest cannot).
  const dir = mkdtempSync(join(tmpdir(), 'openapi-types-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    execFileSync(
      join(ROOT, 'node_modules/.bin/openapi-typescript'),
      // A default is the server's to apply: a request may leave such a field out.
      [join(dir, 'openapi.json'), '-o', join(dir, 'openapi.d.ts'), '--default-non-nullable=false'],
      { stdio: 'pipe' },
    );
    return prettier(readFileSync(join(dir, 'openapi.d.ts'), 'utf8'), file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Redocly's recommended rules: every problem (errors and warnings), as `severity rule: message at
 * pointer`. One rule is off: operation-4xx-response, which /health and /ready cannot meet (they
 * take no input and no token); untypedAnswers holds every BackOffice route to 401 and 403.
 */
export async function lintOpenApi(json: string): Promise<string[]> {
  const { createConfig, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({
    extends: ['recommended'],
    rules: { 'operation-4xx-response': 'off' },
  });
  const problems = await lintFromString({ source: json, absoluteRef: 'openapi.json', config });
  return problems.map(
    (problem) =>
      `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location
        .map((location) => location.pointer)
        .join(', ')}`,
  );
}

/** What a generated client would get `unknown` (or nothing) for: every untyped answer. */
export function untypedAnswers(document: Json): string[] {
  const found: string[] = [];
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((status) => status.startsWith('2'))) found.push(`${where}: no 2xx answer`);
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = response.content?.['application/json'];
        const schema = content?.schema;
        if (!schema || Object.keys(schema).length === 0)
          found.push(`${where} ${status}: no schema`);
        // The BackOffice API's errors (/health and /ready answer a bare status, by design).
        if (!path.startsWith('/v1/') || status.startsWith('2')) continue;
        if (schema?.$ref !== '#/components/schemas/ErrorBody')
          found.push(`${where} ${status}: not the ErrorBody schema`);
        if (content?.example === undefined) found.push(`${where} ${status}: no example`);
      }
      if (path.startsWith('/v1/companies/')) {
        if (!operation.security?.some((requirement) => 'backOffice' in requirement))
          found.push(`${where}: no backOffice bearer security`);
        for (const status of ['401', '403'])
          if (!operation.responses[status]) found.push(`${where}: ${status} not documented`);
      }
    }
  }
  // A property typed by nothing (a TypeScript union reflected as Object, say) is an `object`
  // without properties: only free-form fields may be that, and they say so.
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    for (const [property, definition] of Object.entries(properties)) {
      if (
        definition.type === 'object' &&
        !definition.properties &&
        !definition.allOf &&
        definition.additionalProperties === undefined
      )
        found.push(`${name}.${property}: an object with nothing said of its fields`);
    }
  }
  return found;
}

function compareOrWrite(file: string, fresh: string, command: string): void {
  if (UPDATE) {
    writeFileSync(file, fresh);
    return;
  }
  const name = relative(ROOT, file);
  if (!existsSync(file)) throw new Error(`${name} is missing: run \`${command}\` and commit it`);
  if (readFileSync(file, 'utf8') !== fresh)
    throw new Error(`${name} is stale: run \`${command}\` and commit it`);
}

/**
 * The suite of a service's committed OpenAPI document (`<serviceDir>/openapi.json`) and client
 * types (`<serviceDir>/openapi.d.ts`), built by `build` (its `openApiDocument`).
 */
export function describeOpenApi(serviceDir: string, build: () => Promise<object>): void {
  const service = relative(join(ROOT, 'services'), serviceDir);
  const command = `npx nx run ${service}:openapi`;
  const jsonFile = join(serviceDir, 'openapi.json');
  const typesFile = join(serviceDir, 'openapi.d.ts');

  describe(`${service}'s OpenAPI document`, () => {
    let document: Json;
    let json: string;
    beforeAll(async () => {
      document = (await build()) as Json;
      json = renderOpenApiJson(document, jsonFile);
    }, 60_000);

    it('is committed as the code describes it (openapi.json)', () => {
      compareOrWrite(jsonFile, json, command);
    });

    it("passes Redocly's recommended rules without a problem", async () => {
      expect(await lintOpenApi(json)).toEqual([]);
    });

    it('types every answer, errors with the one ErrorBody schema and an example, and the bearer token', () => {
      expect(untypedAnswers(document)).toEqual([]);
      expect(document.components).toMatchObject({
        securitySchemes: { backOffice: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { ErrorBody: { required: ['statusCode', 'code', 'message'] } },
      });
    });

    it('has its generated client types committed (openapi.d.ts)', () => {
      compareOrWrite(typesFile, renderOpenApiTypes(document, typesFile), command);
    }, 60_000);
  });
}
