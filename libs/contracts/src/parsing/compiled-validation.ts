import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * A fast acceptor compiled from a contract class's own decorators (class-validator constraints,
 * `@ValidateIf`, `@ValidateNested` + class-transformer `@Type`): for a record that is valid it
 * builds the same instance `plainToInstance` + `validateSync({ whitelist: true })` build, without
 * their per-record machinery (validation-error objects for every property, metadata look-ups,
 * generic transformation). It calls the very `validate` functions of the decorators, so it cannot
 * drift from the classes.
 *
 * It only ever answers "valid, here is the event" or "don't know" (`undefined`): anything it
 * does not handle, and every invalid record, goes to class-validator, which alone words the
 * problems. So the two agree by construction on invalid records; on valid ones a differential test
 * (parse-event.differential.spec.ts) compares the events over every example and a generated corpus.
 */
export type Acceptor<T> = (plain: Record<string, unknown>) => T | undefined;

type Constructor = new () => object;

interface Check {
  validate: (value: unknown, args: ValidationArguments) => unknown;
  constraints: unknown[];
  each: boolean;
  property: string;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: Check[];
  /** `@ValidateNested` with `@Type`: the class plain values of this property become. */
  nested?: ClassPlan;
}

interface ClassPlan {
  cls: Constructor;
  name: string;
  known: Set<string>;
  properties: PropertyPlan[];
  byName: Map<string, PropertyPlan>;
}

/** Keys class-transformer treats specially: records holding them take the slow path. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** class-transformer's TransformationType.PLAIN_TO_CLASS. */
const PLAIN_TO_CLASS = 0;

const compiled = new Map<Constructor, ClassPlan | null>();

/** The acceptor of a contract class, or undefined when its decorators use anything not handled. */
export function acceptorFor<T extends object>(cls: new () => T): Acceptor<T> | undefined {
  const plan = planOf(cls, new Set());
  if (!plan) return undefined;
  return (plain) => {
    const event = build(plan, plain, true);
    return event !== undefined && valid(plan, event) ? (event as T) : undefined;
  };
}

function planOf(cls: Constructor, visiting: Set<Constructor>): ClassPlan | null {
  if (compiled.has(cls)) return compiled.get(cls)!;
  if (visiting.has(cls)) return null; // a recursive contract: not handled
  visiting.add(cls);
  const plan = compile(cls, visiting);
  visiting.delete(cls);
  compiled.set(cls, plan);
  return plan;
}

function compile(cls: Constructor, visiting: Set<Constructor>): ClassPlan | null {
  const storage = getMetadataStorage();
  // The same look-up class-validator's executor makes for a record without groups.
  const metadatas: ValidationMetadata[] = storage.getTargetValidationMetadatas(
    cls,
    '',
    false,
    false,
    undefined,
  );
  if (metadatas.length === 0) return null;
  const transformer = transformerMetadata();
  if (transformer.getStrategy(cls) !== 'none') return null;
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    const list = byProperty.get(metadata.propertyName) ?? [];
    list.push(metadata);
    byProperty.set(metadata.propertyName, list);
  }
  const properties: PropertyPlan[] = [];
  for (const [name, list] of byProperty) {
    if (RESERVED.has(name)) return null;
    if (
      transformer.findTransformMetadatas(cls, name, PLAIN_TO_CLASS).length > 0 ||
      transformer.findExposeMetadata(cls, name) ||
      transformer.findExcludeMetadata(cls, name)
    )
      return null;
    const property: PropertyPlan = { name, conditions: [], checks: [] };
    let nestedValidation = false;
    for (const metadata of list) {
      if (metadata.groups?.length || metadata.always) return null;
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as PropertyPlan['conditions'][number]);
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
        case ValidationTypes.IS_DEFINED:
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
            if (constraint.async) return null;
            const instance = constraint.instance as { validate: Check['validate'] };
            property.checks.push({
              validate: instance.validate.bind(instance),
              constraints: metadata.constraints,
              each: metadata.each === true,
              property: name,
            });
          }
          break;
        case ValidationTypes.NESTED_VALIDATION:
          if (metadata.each !== undefined && typeof metadata.each !== 'boolean') return null;
          nestedValidation = true;
          break;
        case ValidationTypes.WHITELIST:
          break;
        default:
          return null; // promises and anything newer: class-validator alone
      }
    }
    const type = transformer.findTypeMetadata(cls, name);
    if (nestedValidation !== (type !== undefined)) return null;
    if (type) {
      if (type.options?.discriminator) return null;
      const target = type.typeFunction() as Constructor;
      const nested = planOf(target, visiting);
      if (!nested) return null;
      property.nested = nested;
    }
    properties.push(property);
  }
  return {
    cls,
    name: cls.name,
    known: new Set(byProperty.keys()),
    properties,
    byName: new Map(properties.map((p) => [p.name, p])),
  };
}

/**
 * class-transformer's metadata (the `@Type` of nested fields), which its index does not export:
 * read from the module its decorators write to.
 */
function transformerMetadata(): TransformerMetadata {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const storage = require('class-transformer/cjs/storage') as {
    defaultMetadataStorage: TransformerMetadata;
  };
  return storage.defaultMetadataStorage;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The instance `plainToInstance` makes of `plain` (the class's defaults, then every known field),
 * with what `whitelist` would strip already left out; undefined where the record is anything but a
 * plain shape (then the slow path decides).
 */
function build(plan: ClassPlan, plain: Record<string, unknown>, top: boolean): object | undefined {
  const instance = new plan.cls() as Record<string, unknown>;
  // Defaults of fields without decorators are stripped by `whitelist`.
  for (const key of Object.keys(instance)) if (!plan.known.has(key)) delete instance[key];
  for (const key of Object.keys(plain)) {
    if (RESERVED.has(key)) return undefined;
    if (!plan.known.has(key)) {
      // The top level was filtered by the caller; nested unknown fields are stripped – but
      // class-transformer reads them first, and a reserved key anywhere inside trips it.
      if (top || holdsReservedKey(plain[key])) return undefined;
      continue;
    }
    const value = plain[key];
    const property = plan.byName.get(key)!;
    if (property.nested) {
      const converted = buildNested(property.nested, value);
      if (converted === undefined) return undefined;
      instance[key] = converted;
    } else if (value === null || typeof value !== 'object') {
      instance[key] = value;
    } else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
      instance[key] = value.slice(); // class-transformer copies an array of scalars
    } else {
      return undefined;
    }
  }
  return instance;
}

/** Whether a reserved key occurs anywhere in `value` (its size is bounded by the shape check). */
function holdsReservedKey(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === null || typeof next !== 'object') continue;
    if (Array.isArray(next)) stack.push(...(next as unknown[]));
    else
      for (const [k, v] of Object.entries(next)) {
        if (RESERVED.has(k)) return true;
        stack.push(v);
      }
  }
  return false;
}

function buildNested(plan: ClassPlan, value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = new Array<object>(value.length);
    for (let i = 0; i < value.length; i++) {
      const element = value[i] as unknown;
      if (!isPlainObject(element)) return undefined;
      const built = build(plan, element, false);
      if (built === undefined) return undefined;
      out[i] = built;
    }
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  return build(plan, value, false);
}

/** True when class-validator would find no problem in `object`. */
function valid(plan: ClassPlan, object: object): boolean {
  const record = object as Record<string, unknown>;
  for (const property of plan.properties) {
    const value = record[property.name];
    let applies = true;
    for (const condition of property.conditions) if (!condition(object, value)) applies = false;
    if (!applies) continue;
    for (const check of property.checks) {
      const args: ValidationArguments = {
        targetName: plan.name,
        property: check.property,
        object,
        value,
        constraints: check.constraints,
      };
      if (check.each && Array.isArray(value)) {
        for (const element of value) if (check.validate(element, args) !== true) return false;
      } else if (check.validate(value, args) !== true) return false;
    }
    if (property.nested && value !== undefined) {
      if (Array.isArray(value)) {
        for (const element of value) if (!valid(property.nested, element as object)) return false;
      } else if (!valid(property.nested, value as object)) return false;
    }
  }
  return true;
}
