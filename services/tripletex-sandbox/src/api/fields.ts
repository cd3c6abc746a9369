import { SandboxError } from './sandbox-error';

/** A parsed `fields` filter: `*` and names, each with its own sub-filter (`a,b(c,d),*`). */
export interface FieldTree {
  all: boolean;
  fields: Map<string, FieldTree | true>;
}

export function parseFields(text: string | undefined): FieldTree {
  if (text === undefined || text.trim() === '') return { all: true, fields: new Map() };
  let i = 0;
  const parseList = (): FieldTree => {
    const tree: FieldTree = { all: false, fields: new Map() };
    while (i < text.length) {
      const start = i;
      while (i < text.length && !',()'.includes(text[i])) i++;
      const name = text.slice(start, i).trim();
      let sub: FieldTree | true = true;
      if (text[i] === '(') {
        i++;
        sub = parseList();
        if (text[i] !== ')') throw new SandboxError(400, 11000, `Illegal fields filter: ${text}`);
        i++;
      }
      if (name === '*') tree.all = true;
      else if (name !== '') tree.fields.set(name, sub);
      if (text[i] === ',') i++;
      else break;
    }
    return tree;
  };
  const tree = parseList();
  if (i !== text.length) throw new SandboxError(400, 11000, `Illegal fields filter: ${text}`);
  return tree;
}

type Json = Record<string, unknown>;
type SchemaLookup = (name: string) => Json | undefined;

function refName(schema: Json | undefined): string | undefined {
  const ref = (schema?.$ref ?? (schema?.items as Json | undefined)?.$ref) as string | undefined;
  return ref?.split('/').pop();
}

/** An object that is an entity of its own collapses to `{id, url}` unless expanded. */
function reference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reference);
  if (value && typeof value === 'object' && 'id' in value) {
    const v = value as Json;
    return v.url !== undefined ? { id: v.id, url: v.url } : { id: v.id };
  }
  return value;
}

/**
 * Applies a `fields` filter the way Tripletex does: the default (`*`) returns every field with
 * related objects as `{id, url}`; `x(*)` or `x(a,b)` expands them. A name the model does not have is
 * Tripletex's 400/11000.
 */
export function project(
  value: unknown,
  tree: FieldTree,
  model: string,
  schemas: SchemaLookup,
): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, tree, model, schemas));
  if (value === null || typeof value !== 'object') return value;
  const schema = schemas(model);
  const properties = (schema?.properties ?? {}) as Record<string, Json>;
  for (const name of tree.fields.keys()) {
    if (!(name in properties)) {
      throw new SandboxError(
        400,
        11000,
        `Illegal field in fields filter: ${name}. ${name} does not match a field in the model: ${model}DTO`,
      );
    }
  }
  const source = value as Json;
  const out: Json = {};
  for (const [name, fieldValue] of Object.entries(source)) {
    if (fieldValue === undefined) continue;
    const sub = tree.fields.get(name);
    if (!tree.all && sub === undefined) continue;
    const childModel = refName(properties[name]);
    if (childModel && sub !== undefined && sub !== true) {
      out[name] = project(fieldValue, sub, childModel, schemas);
    } else if (childModel) {
      out[name] = reference(fieldValue);
    } else {
      out[name] = fieldValue;
    }
  }
  return out;
}
