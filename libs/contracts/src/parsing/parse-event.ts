import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validateSync } from 'class-validator';
import {
  CHECKOUT_MAX_BYTES,
  CheckoutCompletedV1,
  checkoutRuleProblems,
} from '../events/checkout-completed.v1';
import { DayClosedV1 } from '../events/day-closed.v1';
import { IntegrationConfigV1 } from '../events/integration-config.v1';
import { CustomerChangedV1 } from '../events/customers-changed.v1';
import { InvoiceStatusV1 } from '../events/invoice-status.v1';
import { DayStatusV1 } from '../events/day-status.v1';
import { InvoicePaymentMethodV1, TripletexAuthFailedV1 } from '../events/integration-events.v1';
import { Topics } from '../topics';
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
}
export type ParseableTopic = keyof EventsByTopic;

interface EventDefinition<T extends object> {
  cls: ClassConstructor<T>;
  maxBytes: number;
  /** Strict: unknown top-level fields are problems (POS-facing). Else tolerant reader. */
  strict: boolean;
  rules?: (event: T) => Problem[];
}

const INTERNAL_MAX_BYTES = 1024 * 1024;

const definitions: { [K in ParseableTopic]: EventDefinition<EventsByTopic[K]> } = {
  [Topics.CheckoutCompletedV1]: {
    cls: CheckoutCompletedV1,
    maxBytes: CHECKOUT_MAX_BYTES,
    strict: true,
    rules: checkoutRuleProblems,
  },
  [Topics.DayClosedV1]: { cls: DayClosedV1, maxBytes: 64 * 1024, strict: true },
  [Topics.IntegrationConfigV1]: {
    cls: IntegrationConfigV1,
    maxBytes: INTERNAL_MAX_BYTES,
    strict: false,
  },
  [Topics.InvoicePaymentMethodV1]: {
    cls: InvoicePaymentMethodV1,
    maxBytes: INTERNAL_MAX_BYTES,
    strict: false,
  },
  [Topics.TripletexAuthFailedV1]: {
    cls: TripletexAuthFailedV1,
    maxBytes: INTERNAL_MAX_BYTES,
    strict: false,
  },
  [Topics.CustomersChangedV1]: {
    cls: CustomerChangedV1,
    maxBytes: INTERNAL_MAX_BYTES,
    strict: false,
  },
  [Topics.InvoiceStatusV1]: { cls: InvoiceStatusV1, maxBytes: INTERNAL_MAX_BYTES, strict: false },
  [Topics.DayStatusV1]: { cls: DayStatusV1, maxBytes: INTERNAL_MAX_BYTES, strict: false },
};

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
 * problem found (each with its JSON path). Never throws on bad input: the same bytes fail the
 * same way every time, so a consumer can dead-letter them and move on.
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
  const definition = (definitions as Record<string, EventDefinition<object> | undefined>)[topic];
  if (!definition) {
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
  return validatePlain(definition, json);
}

/** Validates an already-parsed JSON value against a topic's contract (for HTTP inputs and tests). */
export function validateEvent<K extends ParseableTopic>(
  topic: K,
  value: unknown,
): ParseResult<EventsByTopic[K]> {
  const definition = definitions[topic] as unknown as EventDefinition<EventsByTopic[K]>;
  return validatePlain(definition, value);
}

function validatePlain<T extends object>(
  definition: EventDefinition<T>,
  json: unknown,
): ParseResult<T> {
  if (!isPlainObject(json)) {
    return fail('', ProblemCodes.NotAnObject, 'the record must be a JSON object');
  }
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
