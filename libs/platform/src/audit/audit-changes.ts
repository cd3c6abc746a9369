import { isDeepStrictEqual } from 'node:util';
import { secrets as processSecrets, SecretRegistry } from '../logging/secret-scrubber';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Field names that hold secrets, anywhere in a record: such a field's value is never stored (a
 * boolean or null is kept: "tokenStored: true" says nothing secret). Deliberately broad.
 */
const SECRET_KEY =
  /token|secret|passw|ciphertext|authori[sz]ation|cookie|credential|api[-_]?key|private[-_]?key|encryption[-_]?key|signing[-_]?key|hmac|signature|session|bearer|jwt/i;

/** String values that are secrets by their shape, whatever their field is called. */
const SECRET_VALUES: RegExp[] = [
  /\bbearer\s+\S+/gi, // an Authorization header value
  /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, // a JWT (or any JWS)
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** A JSON value: what a record's before/after hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The changed part of a change: the fields that differ, as they were and as they are. */
export interface AuditChange {
  before: Json;
  after: Json;
}

export interface AuditChangeOptions {
  /**
   * Values that must never be stored, e.g. the raw token a request carried: every string holding
   * one is replaced (in addition to the process's registered secrets and the rules above).
   */
  secrets?: (string | null | undefined)[];
  /** Keep the record even when nothing differs (an action that is itself the change). */
  always?: boolean;
  /** The registry of known secrets (the log scrubber's by default). */
  registry?: SecretRegistry;
}

/** `value` as plain JSON: Dates become ISO strings, undefined fields disappear, as in JSON.stringify. */
export function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The fields of `before` and `after` that differ. Objects are compared field by field (key order
 * never matters, as it does not in jsonb); arrays and scalars as a whole, so a changed mapping
 * list shows in full before and after. A field added or removed appears on one side only.
 * Returns null when nothing differs.
 */
export function changedFields(before: Json, after: Json): AuditChange | null {
  if (isDeepStrictEqual(before, after)) return null;
  if (!isObject(before) || !isObject(after)) return { before, after };
  const was: { [key: string]: Json } = {};
  const is: { [key: string]: Json } = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const inBefore = Object.prototype.hasOwnProperty.call(before, key);
    const inAfter = Object.prototype.hasOwnProperty.call(after, key);
    if (!inBefore) is[key] = after[key];
    else if (!inAfter) was[key] = before[key];
    else {
      const change = changedFields(before[key], after[key]);
      if (!change) continue;
      was[key] = change.before;
      is[key] = change.after;
    }
  }
  return { before: was, after: is };
}

/**
 * `value` without secrets: fields named like a secret (their value replaced, unless it is a
 * boolean or null), strings shaped like one (bearer values, JWTs, private keys), and every known
 * secret (`known`, and the process's registered deployment and company secrets) wherever it
 * appears, even inside a longer string or a field name.
 */
export function redactSecrets(
  value: Json,
  known: (string | null | undefined)[] = [],
  registry: SecretRegistry = processSecrets,
): Json {
  const extra = known.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const scrubString = (text: string): string => {
    let out = registry.scrub(text);
    for (const secret of extra) out = out.split(secret).join(REDACTED);
    for (const pattern of SECRET_VALUES) out = out.replace(pattern, REDACTED);
    return out;
  };
  const walk = (node: Json): Json => {
    if (typeof node === 'string') return scrubString(node);
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: { [key: string]: Json } = {};
    for (const [key, child] of Object.entries(node)) {
      const name = scrubString(key);
      out[name] =
        SECRET_KEY.test(key) && child !== null && typeof child !== 'boolean'
          ? REDACTED
          : walk(child);
    }
    return out;
  };
  return walk(value);
}

/**
 * What a change's audit record holds: the changed fields (changedFields) with secrets removed
 * (redactSecrets), or null when nothing changed (unless `always`). A secret that changed shows as
 * REDACTED on both sides: that it changed, never what it is.
 */
export function auditChange(
  before: unknown,
  after: unknown,
  options: AuditChangeOptions = {},
): AuditChange | null {
  const change = changedFields(toJson(before), toJson(after));
  if (!change && !options.always) return null;
  const { before: was, after: is } = change ?? { before: {}, after: {} };
  return {
    before: redactSecrets(was, options.secrets, options.registry),
    after: redactSecrets(is, options.secrets, options.registry),
  };
}
