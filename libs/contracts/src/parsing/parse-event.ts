import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validateSync } from 'class-validator';
import {
  CHECKOUT_MAX_BYTES,
  CHECKOUT_MAX_DEPTH,
  CHECKOUT_MAX_VALUES,
  CheckoutCompletedV1,
  checkoutRuleProblems,
} from '../events/checkout-completed.v1';
import { DayClosedV1 } from '../events/day-closed.v1';
import { IntegrationConfigV1 } from '../events/integration-config.v1';
import { CustomerChangedV1 } from '../events/customers-changed.v1';
import { InvoiceStatusV1 } from '../events/invoice-status.v1';
import { DayStatusV1 } from '../events/day-status.v1';
import { InvoicePaymentMethodV1, TripletexAuthFailedV1 } from '../events/integration-events.v1';
import { RecordRejectedV1 } from '../events/record-rejected.v1';
import { AlertV1 } from '../events/alert.v1';
import { Topics } from '../topics';
import { Acceptor, acceptorFor } from './compiled-validation';
import { ParseResult, Problem, ProblemCodes } from './problem';

/** The event class each parseable topic carries. */
export interface EventsByTopic {
  [Topics.CheckoutCompletedV1]: CheckoutCompletedV1;
  [Topics.DayClosedV1]: DayClosedV1;
  [Topics.IntegrationConfigV1]: IntegrationConfigV1;
  [Topics.InvoicePaymentMethodV1]: InvoicePaymentMethodV1;
  [Topics.TripletexAuthFailedV1]: TripletexAuthFailedV1;
  [Topics.CustomersChangedV1]: CustomerChangedV1;
  [Topics.InvoiceStatusV1]: InvoiceStatusV1;
  [Topics.DayStatusV1]: DayStatusV1;
  [Topics.RecordRejectedV1]: RecordRejectedV1;
  [Topics.AlertsV1]: AlertV1;
}
export type ParseableTopic = keyof EventsByTopic;

interface EventDefinition<T extends object> {
  cls: ClassConstructor<T>;
  maxBytes: number;
  /**
   * Deepest nesting of objects and arrays allowed anywhere in the record (the record itself is
   * depth 1), known fields and unknown ones alike. Checked before any transformation, because
   * class-transformer recurses and a deep enough value would overflow the stack.
   */
  maxDepth: number;
  /** Most JSON values (objects, arrays, strings, numbers, …) the record may hold. */
  maxValues: number;
  /** Strict: unknown top-level fields are problems (POS-facing). Else tolerant reader. */
  strict: boolean;
  rules?: (event: T) => Problem[];
  /** The fast acceptor compiled from `cls` (compiled-validation.ts); false: not compilable. */
  acceptor?: Acceptor<T> | false;
}

const INTERNAL_MAX_BYTES = 1024 * 1024;
/** Our own events nest a few levels (settings with mappings); this leaves room to grow. */
const INTERNAL_LIMITS = { maxBytes: INTERNAL_MAX_BYTES, maxDepth: 32, maxValues: 200_000 };

const definitions: { [K in ParseableTopic]: EventDefinition<EventsByTopic[K]> } = {
  [Topics.CheckoutCompletedV1]: {
    cls: CheckoutCompletedV1,
    maxBytes: CHECKOUT_MAX_BYTES,
    // A checkout nests 3 deep (record → lines → line); 500 lines of ~15 values plus payments stay
    // under 10,000 values.
    maxDepth: CHECKOUT_MAX_DEPTH,
    maxValues: CHECKOUT_MAX_VALUES,
    strict: true,
    rules: checkoutRuleProblems,
  },
  [Topics.DayClosedV1]: {
    cls: DayClosedV1,
    maxBytes: 64 * 1024,
    maxDepth: CHECKOUT_MAX_DEPTH,
    maxValues: 5_000,
    strict: true,
  },
  [Topics.IntegrationConfigV1]: {
    cls: IntegrationConfigV1,
    ...INTERNAL_LIMITS,
    strict: false,
  },
  [Topics.InvoicePaymentMethodV1]: {
    cls: InvoicePaymentMethodV1,
    ...INTERNAL_LIMITS,
    strict: false,
  },
  [Topics.TripletexAuthFailedV1]: {
    cls: TripletexAuthFailedV1,
    ...INTERNAL_LIMITS,
    strict: false,
  },
  [Topics.CustomersChangedV1]: {
    cls: CustomerChangedV1,
    ...INTERNAL_LIMITS,
    strict: false,
  },
  [Topics.InvoiceStatusV1]: { cls: InvoiceStatusV1, ...INTERNAL_LIMITS, strict: false },
  [Topics.DayStatusV1]: { cls: DayStatusV1, ...INTERNAL_LIMITS, strict: false },
  [Topics.RecordRejectedV1]: { cls: RecordRejectedV1, ...INTERNAL_LIMITS, strict: false },
  [Topics.AlertsV1]: { cls: AlertV1, ...INTERNAL_LIMITS, maxBytes: 64 * 1024, strict: false },
};

/** The size and shape limits a topic's records are checked against before anything else. */
export function limitsOf(topic: ParseableTopic): {
  maxBytes: number;
  maxDepth: number;
  maxValues: number;
} {
  const { maxBytes, maxDepth, maxValues } = definitions[topic];
  return { maxBytes, maxDepth, maxValues };
}

/**
 * The class a topic's records are validated with, whether unknown top-level fields are refused
 * (`strict`, POS-facing intake) and the largest record accepted; undefined for a topic parseEvent
 * does not know. What the JSON Schemas and the AsyncAPI document are generated from.
 */
export function eventContractOf(
  topic: string,
): { cls: ClassConstructor<object>; strict: boolean; maxBytes: number } | undefined {
  if (!Object.prototype.hasOwnProperty.call(definitions, topic)) return undefined;
  const { cls, strict, maxBytes } = (definitions as Record<string, EventDefinition<object>>)[topic];
  return { cls, strict, maxBytes };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Top-level fields a topic knows, read from the class's validation metadata. */
const knownFieldsCache = new Map<ClassConstructor<object>, Set<string>>();
function knownFields(cls: ClassConstructor<object>): Set<string> {
  let fields = knownFieldsCache.get(cls);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    fields = new Set(metadata.map((m) => m.propertyName));
    knownFieldsCache.set(cls, fields);
  }
  return fields;
}

function pathOf(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

function flatten(errors: ValidationError[], parent = ''): Problem[] {
  const out: Problem[] = [];
  for (const error of errors) {
    const path = pathOf(parent, error.property);
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path, code, message: message.replace(/^(\w+\.)+/, '') });
    }
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Turns the bytes of a Kafka record into a typed, validated event, or into the list of every
 * problem found (each with its JSON path). Never throws, whatever the bytes: the same bytes fail
 * the same way every time, so a consumer can dead-letter them and move on. The size, the nesting
 * depth and the number of values are checked before any transformation.
 */
export function parseEvent<K extends ParseableTopic>(
  topic: K,
  bytes: Uint8Array | string | null | undefined,
): ParseResult<EventsByTopic[K]>;
export function parseEvent(
  topic: string,
  bytes: Uint8Array | string | null | undefined,
): ParseResult<object>;
export function parseEvent(
  topic: string,
  bytes: Uint8Array | string | null | undefined,
): ParseResult<object> {
  return parseSafely(topic, bytes, true);
}

/**
 * `parseEvent` by class-validator and class-transformer alone, without the compiled acceptor: the
 * reference the acceptor is tested against (parse-event.differential.spec.ts). Not for production.
 */
export function parseEventByClassValidator(
  topic: string,
  bytes: Uint8Array | string | null | undefined,
): ParseResult<object> {
  return parseSafely(topic, bytes, false);
}

/** Either way of parsing; a failure of the checking itself is still an answer, never a throw. */
function parseSafely(
  topic: string,
  bytes: Uint8Array | string | null | undefined,
  compiled: boolean,
): ParseResult<object> {
  try {
    return parseBytes(topic, bytes, compiled);
  } catch (error) {
    return unprocessable(error);
  }
}

function parseBytes(
  topic: string,
  bytes: Uint8Array | string | null | undefined,
  compiled: boolean,
) {
  const definition = (definitions as Record<string, EventDefinition<object> | undefined>)[topic];
  if (!definition || !Object.prototype.hasOwnProperty.call(definitions, topic)) {
    return fail('', ProblemCodes.UnknownTopic, `no event contract is known for topic ${topic}`);
  }
  if (bytes === null || bytes === undefined || bytes.length === 0) {
    return fail('', ProblemCodes.Empty, 'the record has no value');
  }
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > definition.maxBytes) {
    return fail(
      '',
      ProblemCodes.TooLarge,
      `the record is ${size} bytes; ${topic} allows at most ${definition.maxBytes}`,
    );
  }
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
  } catch {
    return fail('', ProblemCodes.InvalidUtf8, 'the record is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(
      '',
      ProblemCodes.InvalidJson,
      `the record is not valid JSON: ${(error as Error).message}`,
    );
  }
  return validatePlain(definition, json, compiled);
}

/** Validates an already-parsed JSON value against a topic's contract (for HTTP inputs and tests). */
export function validateEvent<K extends ParseableTopic>(
  topic: K,
  value: unknown,
): ParseResult<EventsByTopic[K]> {
  const definition = definitions[topic] as unknown as EventDefinition<EventsByTopic[K]>;
  try {
    return validatePlain(definition, value);
  } catch (error) {
    return unprocessable(error);
  }
}

/** A failure of the checking itself (a bug, not the record's fault): still an answer, never a throw. */
function unprocessable(error: unknown): { ok: false; problems: Problem[] } {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return fail('', ProblemCodes.Unprocessable, `the record could not be checked (${reason})`);
}

/**
 * The first place where the value nests deeper than `maxDepth`, or a problem when it holds more
 * than `maxValues` values. Iterative, so it cannot overflow the stack itself; it stops at the first
 * breach, so its work is bounded by `maxValues`.
 */
export function shapeProblem(
  json: unknown,
  limits: { maxDepth: number; maxValues: number },
): Problem | null {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: json, depth: 1, path: '' },
  ];
  let values = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (++values > limits.maxValues) {
      return {
        path: '',
        code: ProblemCodes.TooManyValues,
        message: `the record holds more than ${limits.maxValues} JSON values`,
      };
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxDepth) {
      return {
        path,
        code: ProblemCodes.TooDeep,
        message: `the record nests objects and arrays more than ${limits.maxDepth} levels deep`,
      };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i] as unknown, depth: depth + 1, path: `${path}[${i}]` });
    } else {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push({ value: entries[i][1], depth: depth + 1, path: pathOf(path, entries[i][0]) });
    }
  }
  return null;
}

function validatePlain<T extends object>(
  definition: EventDefinition<T>,
  json: unknown,
  compiled = true,
): ParseResult<T> {
  if (!isPlainObject(json)) {
    return fail('', ProblemCodes.NotAnObject, 'the record must be a JSON object');
  }
  const shape = shapeProblem(json, definition);
  if (shape) return { ok: false, problems: [shape] };
  const problems: Problem[] = [];
  const plain: Record<string, unknown> = {};
  const known = knownFields(definition.cls);
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('x-')) continue; // extension fields are ignored by contract
    if (!known.has(key)) {
      if (definition.strict) {
        problems.push({
          path: key,
          code: ProblemCodes.UnknownField,
          message: `unknown field ${key}`,
        });
      }
      continue;
    }
    plain[key] = value;
  }
  if (compiled && problems.length === 0) {
    // The hot path: a valid record is accepted by the acceptor compiled from the same decorators;
    // anything else is worded by class-validator below.
    definition.acceptor ??= acceptorFor(definition.cls) ?? false;
    const accepted = definition.acceptor ? definition.acceptor(plain) : undefined;
    if (accepted !== undefined && (definition.rules?.(accepted).length ?? 0) === 0)
      return { ok: true, event: accepted };
  }
  const event = plainToInstance(definition.cls, plain, { enableImplicitConversion: false });
  problems.push(
    ...flatten(
      validateSync(event, {
        whitelist: true,
        forbidNonWhitelisted: false,
        forbidUnknownValues: true,
        stopAtFirstError: true,
        validationError: { target: false, value: false },
      }),
    ),
  );
  if (definition.rules) problems.push(...definition.rules(event));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, event };
}

function fail(path: string, code: string, message: string): { ok: false; problems: Problem[] } {
  return { ok: false, problems: [{ path, code, message }] };
}
