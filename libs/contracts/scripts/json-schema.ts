// Generates the JSON Schemas POS teams validate against, one per topic of the Topics registry, from
// the same class-validator classes the services parse with (parseEvent's contracts), with the
// classes' JSDoc as descriptions. `nx run contracts:schemas` writes them (and the AsyncAPI
// document); a unit test fails when the committed files differ from what this produces.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { SchemaObject } from 'openapi3-ts';
import * as ts from 'typescript';
import { Topic, allTopics, eventContractOf, topicMetadata } from '../src';

export const SCHEMA_DIR = join(__dirname, '..', 'schemas');
const EVENTS_DIR = join(__dirname, '..', 'src', 'events');

/** Where schemas are published; a schema's `$id` (not fetched by anyone, a stable name). */
export const SCHEMA_ID_BASE = 'https://pos-tripletex/schemas/';

const converters = {
  isSafeInteger: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
  hasAtMostThreeDecimals: { type: 'number', multipleOf: 0.001 },
  isRfc3339WithOffset: {
    type: 'string',
    format: 'date-time',
    pattern: '(Z|[+-]\\d{2}:\\d{2})$',
  },
  isIsoDay: { type: 'string', format: 'date' },
};

type Meta = { constraints: number[] };
/** Bounds and constants without the `type: number` the defaults add (it would hide `integer`). */
const overrides = {
  min: (m: Meta) => ({ minimum: m.constraints[0] }),
  max: (m: Meta) => ({ maximum: m.constraints[0] }),
  equals: (m: Meta) => ({ const: m.constraints[0] }),
};

/**
 * Field descriptions written for the schema rather than taken from the JSDoc (they say what the
 * field means to a reader of the event, where the JSDoc speaks to this code base).
 */
const DESCRIPTION_OVERRIDES: Record<string, Record<string, string>> = {
  AccountMappingsV1: {
    locations:
      "Added after v1: each POS location's Tripletex department, carried by every posting of " +
      "the location's day voucher and by its invoice orders. Absent or empty: no departments.",
    otherEvents:
      'Accounts for TIPS, ROUNDING, CASH_DIFFERENCE (Z-report counted cash minus cash payments) ' +
      'and GIFT_CARDS_SOLD (a liability, outside the VAT return).',
  },
  ProductGroupMappingV1: {
    vatRate:
      'The VAT rate this account is for. A product group mapped once (eat-in or takeaway) uses ' +
      "its account at every rate it sells at, if the account takes the rate's VAT code; a group " +
      "mapped once per rate uses the account of the sale's rate.",
    takeaway: 'false: eat-in; true: takeaway.',
  },
  LocationMappingV1: {
    locationId: 'The POS locationId of pos.checkout.completed.v1.',
    departmentId: 'The Tripletex department id (GET /department).',
  },
  IntegrationConfigV1: {
    dayCutoffHour:
      'Sales before this hour (Europe/Oslo wall time) belong to the previous business day. A ' +
      'change moves the stored sales of days not yet exported to the day it gives them.',
  },
};

interface ClassDocs {
  description?: string;
  base?: string;
  properties: Record<string, string>;
}

function docText(node: ts.Node): string | undefined {
  const texts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .filter((t) => t.trim() !== '');
  if (texts.length === 0) return undefined;
  // One paragraph per JSDoc block; list items keep their own line.
  return texts
    .join('\n')
    .split('\n')
    .map((line) => line.trim())
    .reduce((out, line) => {
      if (line === '') return out;
      if (line.startsWith('- ')) return `${out}\n${line}`;
      return out === '' ? line : `${out} ${line}`;
    }, '');
}

/** The JSDoc of every exported event class and its properties, read from src/events/*.ts. */
export function classDocs(): Record<string, ClassDocs> {
  const docs: Record<string, ClassDocs> = {};
  for (const file of readdirSync(EVENTS_DIR).filter((f) => /^[^.]+(\.v\d+)?\.ts$/.test(f))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(EVENTS_DIR, file), 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    );
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const properties: Record<string, string> = {};
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        const text = docText(member);
        if (text) properties[member.name.text] = text;
      }
      const base = statement.heritageClauses
        ?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
        ?.types[0]?.expression.getText(source);
      docs[statement.name.text] = { description: docText(statement), base, properties };
    }
  }
  return docs;
}

function propertyDoc(docs: Record<string, ClassDocs>, cls: string, property: string) {
  for (let c: string | undefined = cls; c; c = docs[c]?.base) {
    const text = docs[c]?.properties[property];
    if (text) return text;
  }
  return undefined;
}

/** Optional fields: declared with ValidateIf/IsOptional, so not required in the schema. */
function optionalProperties(target: object): Set<string> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    target as new () => object,
    '',
    true,
    false,
  );
  return new Set(
    metadata
      .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((m) => m.propertyName),
  );
}

/** The names of the classes a schema refers to (`#/$defs/Name`), depth first, each once. */
function referencedClasses(
  schema: unknown,
  classes: Record<string, SchemaObject>,
  seen: string[] = [],
): string[] {
  if (Array.isArray(schema)) {
    for (const item of schema) referencedClasses(item, classes, seen);
  } else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) {
        const name = value.slice('#/$defs/'.length);
        if (!seen.includes(name)) {
          seen.push(name);
          if (!classes[name]) throw new Error(`no schema was generated for class ${name}`);
          referencedClasses(classes[name], classes, seen);
        }
      } else referencedClasses(value, classes, seen);
    }
  }
  return seen;
}

/** One topic's payload: its root class's schema and the classes it refers to. */
export interface PayloadSchema {
  topic: Topic;
  className: string;
  /** The root schema, with `description` and (strict intake) `additionalProperties: false`. */
  root: SchemaObject;
  /** Every class the root refers to (`$ref: '#/$defs/<name>'`), in a stable order. */
  defs: Record<string, SchemaObject>;
}

/**
 * The payload schema of every given topic (default: every topic of the registry). Throws, naming
 * the topic, when a topic has no metadata or no event class in parseEvent's contracts.
 */
export function payloadSchemas(topics: readonly string[] = allTopics): PayloadSchema[] {
  const contracts = topics.map((topic) => {
    const metadata = topicMetadata(topic);
    const contract = eventContractOf(topic);
    if (!contract)
      throw new Error(
        `topic ${topic} has no event class: add it to EventsByTopic and the definitions in libs/contracts/src/parsing/parse-event.ts`,
      );
    return { topic: topic as Topic, metadata, ...contract };
  });
  const all = validationMetadatasToSchemas({
    refPointerPrefix: '#/$defs/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      ...Object.fromEntries(Object.entries(converters).map(([k, v]) => [k, () => v])),
      ...overrides,
    },
  });
  const exported = require('../src') as Record<string, unknown>;
  const docs = classDocs();
  for (const [name, schema] of Object.entries(all)) {
    const cls = exported[name];
    if (typeof cls === 'function' && Array.isArray(schema.required)) {
      const optional = optionalProperties(cls);
      schema.required = schema.required.filter((p: string) => !optional.has(p));
    }
    const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
    for (const [property, propertySchema] of Object.entries(properties)) {
      const text = DESCRIPTION_OVERRIDES[name]?.[property] ?? propertyDoc(docs, name, property);
      if (text && !('$ref' in propertySchema)) propertySchema.description = text;
      else if (text) properties[property] = { description: text, allOf: [propertySchema] };
    }
  }
  return contracts.map(({ topic, metadata, cls, strict }) => {
    const schema = all[cls.name];
    if (!schema) throw new Error(`no schema was generated for ${cls.name} (topic ${topic})`);
    const classDescription = docs[cls.name]?.description;
    const root: SchemaObject = {
      title: topic,
      description: [metadata.summary, metadata.description, classDescription]
        .filter(Boolean)
        .join('\n\n'),
      ...schema,
      ...(strict ? { additionalProperties: false, patternProperties: { '^x-': {} } } : {}),
    };
    const defs = Object.fromEntries(
      referencedClasses(schema, all).map((name) => [
        name,
        docs[name]?.description ? { description: docs[name].description, ...all[name] } : all[name],
      ]),
    );
    return { topic, className: cls.name, root, defs };
  });
}

/** The published JSON Schema (draft 2020-12) of every topic, by topic. */
export function buildSchemas(topics: readonly string[] = allTopics): Record<string, object> {
  return Object.fromEntries(
    payloadSchemas(topics).map(({ topic, root, defs }) => [
      topic,
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `${SCHEMA_ID_BASE}${topic}.schema.json`,
        ...root,
        ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
      },
    ]),
  );
}

export function schemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(buildSchemas()).map(([topic, schema]) => [
      `${topic}.schema.json`,
      `${JSON.stringify(schema, null, 2)}\n`,
    ]),
  );
}

if (require.main === module) {
  for (const [file, content] of Object.entries(schemaFiles())) {
    writeFileSync(join(SCHEMA_DIR, file), content);
    console.log(`wrote ${join('libs/contracts/schemas', file)}`);
  }
}
