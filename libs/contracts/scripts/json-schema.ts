// Generates the JSON Schemas POS teams validate against, from the same class-validator classes
// the services use. `nx run contracts:schemas` writes them; a unit test fails when they are stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { SchemaObject } from 'openapi3-ts';
import {
  CheckoutCompletedV1,
  DayClosedV1,
  IntegrationConfigV1,
  RecordRejectedV1,
  Topics,
} from '../src';

export const SCHEMA_DIR = join(__dirname, '..', 'schemas');

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

function tidy(schemas: Record<string, SchemaObject>, classes: Record<string, object>) {
  for (const [name, schema] of Object.entries(schemas)) {
    const cls = classes[name];
    if (cls && Array.isArray(schema.required)) {
      const optional = optionalProperties(cls);
      schema.required = schema.required.filter((p: string) => !optional.has(p));
    }
  }
}

/** The classes inside integration.config.v1. */
const CONFIG_DEFS = [
  'LedgerAccountRefV1',
  'PaymentMethodMappingV1',
  'ProductGroupMappingV1',
  'OtherEventMappingV1',
  'LocationMappingV1',
  'AccountMappingsV1',
  'CollectiveInvoicingV1',
  'InvoicingSettingsV1',
  'SalesExportSettingsV1',
  'EncryptedSecretV1',
  'TripletexConnectionV1',
];

/** What the fields added after v1 mean (the schema's descriptions). */
const CONFIG_DESCRIPTIONS: Record<string, Record<string, string>> = {
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

export function buildSchemas(): Record<string, object> {
  const all = validationMetadatasToSchemas({
    refPointerPrefix: '#/$defs/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      ...Object.fromEntries(Object.entries(converters).map(([k, v]) => [k, () => v])),
      ...overrides,
    },
  });
  const classes: Record<string, object> = Object.fromEntries(
    [
      'CheckoutCompletedV1',
      'CheckoutLineV1',
      'CheckoutPaymentV1',
      'CheckoutInvoiceV1',
      'CheckoutRefundOfV1',
      'DayClosedV1',
      'RecordRejectedV1',
      'RejectionProblemV1',
      ...CONFIG_DEFS,
      'IntegrationConfigV1',
    ].map((n) => [n, (require('../src') as Record<string, object>)[n]]),
  );
  tidy(all, classes);

  const checkoutDefs = Object.fromEntries(
    ['CheckoutLineV1', 'CheckoutPaymentV1', 'CheckoutInvoiceV1', 'CheckoutRefundOfV1'].map((n) => [
      n,
      all[n],
    ]),
  );
  const checkout = all[CheckoutCompletedV1.name];
  const day = all[DayClosedV1.name];
  const rejected = all[RecordRejectedV1.name];
  const configDefs: Record<string, SchemaObject> = Object.fromEntries(
    CONFIG_DEFS.map((n) => [n, all[n]]),
  );
  for (const [def, fields] of Object.entries(CONFIG_DESCRIPTIONS))
    for (const [field, description] of Object.entries(fields)) {
      const properties = configDefs[def]?.properties as Record<string, SchemaObject> | undefined;
      if (properties?.[field]) properties[field].description = description;
    }
  return {
    [Topics.CheckoutCompletedV1]: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://pos-tripletex/schemas/${Topics.CheckoutCompletedV1}.schema.json`,
      title: Topics.CheckoutCompletedV1,
      description:
        'A completed POS checkout. Amounts are integer øre. Rules JSON Schema cannot express ' +
        '(balance, exact line totals, INVOICE alone and with its customer block, REFUND signs) ' +
        'are in shared/contracts/CHECKOUT_EVENT.md and enforced by parseEvent.',
      ...checkout,
      additionalProperties: false,
      patternProperties: { '^x-': {} },
      $defs: checkoutDefs,
    },
    [Topics.DayClosedV1]: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://pos-tripletex/schemas/${Topics.DayClosedV1}.schema.json`,
      title: Topics.DayClosedV1,
      description: 'Optional Z-report signal that a business day is closed at a location.',
      ...day,
      additionalProperties: false,
      patternProperties: { '^x-': {} },
    },
    [Topics.IntegrationConfigV1]: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://pos-tripletex/schemas/${Topics.IntegrationConfigV1}.schema.json`,
      title: Topics.IntegrationConfigV1,
      description:
        "A company's integration settings (compacted, key = companyId), published by onboarding on " +
        'every change. Internal: consumers are tolerant readers, and fields are only ever added ' +
        '(absent on older events means the default). Never carries a plaintext token.',
      ...all[IntegrationConfigV1.name],
      $defs: configDefs,
    },
    [Topics.RecordRejectedV1]: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://pos-tripletex/schemas/${Topics.RecordRejectedV1}.schema.json`,
      title: Topics.RecordRejectedV1,
      description:
        'A record a POS published was refused and dead-lettered: where it was, what it named (when ' +
        'well-formed), the code and every problem. Consumers should ignore fields they do not know.',
      ...rejected,
      $defs: { RejectionProblemV1: all.RejectionProblemV1 },
    },
  };
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
