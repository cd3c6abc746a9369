import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { SandboxError, Texts } from './sandbox-error';
import { SpecOperation } from './spec-router';

type Json = Record<string, unknown>;

/** Object schemas closed to unknown properties, the way Tripletex treats request bodies. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = closeObjects(v);
  if (
    out.properties &&
    typeof out.properties === 'object' &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** `/postings/0/account/id` → `postings.account.id` (Tripletex names fields without indexes). */
function dotted(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '' && !/^\d+$/.test(p));
  if (extra) parts.push(extra);
  return parts.join('.');
}

function toMessages(errors: ErrorObject[]): { field: string | null; message: string }[] {
  const seen = new Set<string>();
  const out: { field: string | null; message: string }[] = [];
  for (const e of errors) {
    let field: string;
    let message: string;
    if (e.keyword === 'additionalProperties') {
      field = dotted(
        e.instancePath,
        (e.params as { additionalProperty: string }).additionalProperty,
      );
      message = Texts.unknownField;
    } else if (e.keyword === 'type' || e.keyword === 'nullable') {
      field = dotted(e.instancePath);
      message = Texts.wrongType;
    } else if (e.keyword === 'enum') {
      field = dotted(e.instancePath);
      message = `Ugyldig verdi. Tillatte verdier: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}.`;
    } else {
      continue; // Tripletex does not check the rest (formats, lengths) at the mapping stage
    }
    const key = `${field}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field: field || null, message });
    }
  }
  return out;
}

/**
 * Checks requests against Tripletex's own OpenAPI document: path and query parameters (types,
 * required ones, defaults) and JSON bodies, where unknown fields and wrong types get Tripletex's
 * 422 and Norwegian messages. Also checks the sandbox's own responses (contract test).
 */
export class SpecValidator {
  private readonly requestAjv: Ajv;
  private readonly responseAjv: Ajv;
  private readonly bodyValidators = new Map<string, ValidateFunction>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  constructor(spec: Json) {
    const components = (spec.components as Json).schemas as Json;
    const options = { allErrors: true, strict: false, validateFormats: false } as const;
    this.requestAjv = new Ajv(options);
    this.requestAjv.addSchema({
      $id: 'tripletex',
      components: { schemas: closeObjects(components) },
    });
    this.responseAjv = new Ajv(options);
    this.responseAjv.addSchema({
      $id: 'tripletex',
      components: { schemas: closeObjects(components) },
    });
  }

  private validator(ajv: Ajv, cache: Map<string, ValidateFunction>, ref: string): ValidateFunction {
    let validate = cache.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: `tripletex${ref}` });
      cache.set(ref, validate);
    }
    return validate;
  }

  /** Path parameters typed as the spec says; a malformed one is Tripletex's 400/12000. */
  pathParams(op: SpecOperation, raw: Record<string, string>): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(raw)) {
      const type = op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema?.type;
      if (type === 'integer') {
        if (!/^\d+$/.test(value))
          throw new SandboxError(400, 12000, `Illegal path parameter: ${name}`);
        out[name] = Number(value);
      } else {
        out[name] = value;
      }
    }
    return out;
  }

  /** Query parameters typed as the spec says, with its defaults; missing required ones → 422. */
  query(op: SpecOperation, raw: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const problems: { field: string; message: string }[] = [];
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      const given = raw[p.name];
      const value = Array.isArray(given) ? given.join(',') : given;
      if (value === undefined || value === '') {
        if (p.required) problems.push({ field: p.name, message: Texts.notNull });
        else if (p.schema?.default !== undefined) out[p.name] = p.schema.default;
        continue;
      }
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const type = p.schema?.type;
      if (type === 'integer') {
        if (!/^-?\d+$/.test(text)) problems.push({ field: p.name, message: Texts.wrongType });
        else out[p.name] = Number(text);
      } else if (type === 'number') {
        const n = Number(text);
        if (!Number.isFinite(n)) problems.push({ field: p.name, message: Texts.wrongType });
        else out[p.name] = n;
      } else if (type === 'boolean') {
        if (text !== 'true' && text !== 'false')
          problems.push({ field: p.name, message: Texts.wrongType });
        else out[p.name] = text === 'true';
      } else {
        out[p.name] = text;
      }
    }
    if (problems.length > 0) throw SandboxError.validation(problems);
    return out;
  }

  /** The JSON body; unknown fields and wrong types → 422 with a message per field. */
  body(op: SpecOperation, text: string): unknown {
    if (!op.bodyRef) return undefined;
    if (text.trim() === '') {
      if (op.bodyRequired)
        throw SandboxError.validation(
          [{ field: null, message: 'Request body is missing.' }],
          22000,
        );
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new SandboxError(422, 22000, `Invalid JSON: ${(error as Error).message}`);
    }
    const validate = this.validator(this.requestAjv, this.bodyValidators, op.bodyRef);
    if (!validate(body)) {
      const messages = toMessages(validate.errors ?? []);
      throw SandboxError.validation(
        messages.length ? messages : [{ field: null, message: Texts.wrongType }],
        16000,
      );
    }
    return body;
  }

  /** Problems of a response body against the operation's response schema (empty when it fits). */
  responseProblems(op: SpecOperation, body: unknown): string[] {
    if (!op.responseRef) return [];
    const validate = this.validator(this.responseAjv, this.responseValidators, op.responseRef);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
    );
  }
}
