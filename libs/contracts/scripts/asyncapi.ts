// Generates libs/contracts/asyncapi.json, the AsyncAPI 3.0 document of every topic the system
// produces or consumes, from libs/contracts alone: the Topics registry and its TOPIC_METADATA
// (topics.ts), the event classes (through the JSON Schemas of json-schema.ts), who produces and
// consumes what (access.ts, the same table the ACLs and subscriptions come from) and the header
// names (headers.ts). `nx run contracts:schemas` writes it; a unit test fails when the committed
// document differs from what this produces, and validates it with the official AsyncAPI parser.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEAD_LETTER_HEADER_SPECS,
  EVENT_HEADER_DESCRIPTIONS,
  EventHeader,
  POS_GROUP_PREFIX,
  POS_PRINCIPAL,
  POS_TOPICS,
  SERVICE_TOPICS,
  TopicUsage,
  Topics,
  allTopics,
  deadLetterTopic,
  eventContractOf,
  topicMetadata,
} from '../src';
import { payloadSchemas } from './json-schema';

/** A JSON Schema (the AsyncAPI Schema Object, a superset of draft-07), as plain JSON. */
type SchemaObject = Record<string, unknown>;

export const ASYNCAPI_FILE = join(__dirname, '..', 'asyncapi.json');
const FIXTURES = join(__dirname, '..', 'fixtures');

/**
 * Where a topic's examples are: `fixtures/examples/<topic>/*.json`, and for checkouts the valid
 * examples of shared/contracts (`fixtures/checkout-completed.v1/valid`). Every topic needs one:
 * the document shows it, and a unit test proves parseEvent and the JSON Schema accept it.
 */
export function exampleDir(topic: string): string {
  return topic === Topics.CheckoutCompletedV1
    ? join(FIXTURES, 'checkout-completed.v1', 'valid')
    : join(FIXTURES, 'examples', topic);
}

/** A topic's examples, by name; throws, naming the topic, when it has none. */
export function examplesOf(topic: string): { name: string; payload: Record<string, unknown> }[] {
  const dir = exampleDir(topic);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  if (files.length === 0)
    throw new Error(
      `topic ${topic} has no example: add one as libs/contracts/fixtures/examples/${topic}/<name>.json`,
    );
  return files.map((file) => ({
    name: file.replace(/\.json$/, ''),
    payload: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>,
  }));
}

/** The headers a service sets on an example event (none for a POS topic's example). */
function exampleHeaders(topic: string, producer: string, payload: Record<string, unknown>) {
  const headers: Record<string, string> = {};
  for (const name of topicMetadata(topic).requiredHeaders) {
    if (name === 'event-type') headers[name] = topic;
    else if (name === 'producer') headers[name] = producer;
    else if (name === 'causation-id') headers[name] = String(payload.checkoutEventId);
    else throw new Error(`no example value is known for header ${name} (${topic})`);
  }
  return headers;
}

/** The Kafka bindings version the document uses (AsyncAPI bindings, kafka 0.5.0). */
const KAFKA_BINDING = '0.5.0';

/**
 * Broker settings the document states as facts of our deployments: deploy/kafka/kafka.sh and the
 * Compose broker keep Kafka's default retention of 7 days (`log.retention.hours=168`), and the
 * services create missing topics with KAFKA_TOPIC_PARTITIONS (default 6) partitions.
 */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_PARTITIONS = 6;

/** What the document's `info.description` says to every reader. */
const INTRODUCTION = `The Kafka topics of pos-tripletex: what a POS back end publishes (checkouts and Z-reports), what it reads back (day and invoice statuses, rejections, customers, whether to offer the Invoice payment method), and the services' internal topics.

Generated from \`libs/contracts\` (the Topics registry, the class-validator event classes and the access table the broker's ACLs come from); do not edit by hand. The JSON Schemas of every payload are in \`libs/contracts/schemas\`, and the typed package \`@pos-tripletex/contracts\` carries the same contracts with \`parseEvent\`.

- **Records.** Values are UTF-8 JSON objects; keys are UTF-8 strings (the \`companyId\` unless a channel says otherwise); headers are UTF-8 strings. Amounts are integer øre.
- **Connecting as a POS.** SASL (SCRAM-SHA-512 on the brokers \`deploy/kafka/kafka.sh\` runs, PLAIN on the Compose stack) as principal \`${POS_PRINCIPAL}\`, with consumer groups named \`${POS_GROUP_PREFIX}…\`. The \`${POS_PRINCIPAL}\` principal may write only the two POS topics and read only the POS-facing ones (tag \`pos\`); the others (tag \`internal\`) are listed so the whole system is in one document.
- **Retention.** Plain (\`delete\`) topics keep records ${RETENTION_MS / 86_400_000} days (the brokers' default). Compacted topics keep the newest record of every key for good: read them from the beginning to get the current state.
- **Versions.** A topic name is wire format and never changes meaning: a breaking change ships as \`.v2\` beside \`.v1\` until every consumer has moved. Fields may be added to an event at any time, so read tolerantly (ignore what you do not know); the POS intake topics are the exception (unknown top-level fields are refused there, except \`x-…\`).
- **Refusals.** A record a service cannot accept is parked on \`<topic>.dlq\` (the original key and value bytes with \`dlq-*\` headers saying who refused it and why) and, for the POS topics, announced on \`integration.record-rejected.v1\`, which the POS reads (it cannot read the dead-letter topics).`;

/** `pos.checkout.completed.v1` → `CheckoutCompletedV1` (the Topics registry's name for it). */
function registryName(topic: string): string {
  const entry = Object.entries(Topics).find(([, name]) => name === topic);
  if (!entry) throw new Error(`topic ${topic} is not in the Topics registry`);
  return entry[0];
}

const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);
const camel = (s: string) =>
  s.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));

/** Every principal and what it produces and consumes: the services, then the POS back ends. */
function principals(): [string, TopicUsage][] {
  return [
    ...(Object.entries(SERVICE_TOPICS) as [string, TopicUsage][]),
    [POS_PRINCIPAL, POS_TOPICS],
  ];
}

function usage(topic: string) {
  const all = principals();
  return {
    producers: all.filter(([, u]) => u.produces.includes(topic)).map(([p]) => p),
    consumers: all.filter(([, u]) => u.consumes.includes(topic)).map(([p]) => p),
    /** Services that consume it, and so park refused records on its dead-letter topic. */
    deadLetterWriters: all
      .filter(([p, u]) => p !== POS_PRINCIPAL && u.consumes.includes(topic))
      .map(([p]) => p),
  };
}

/** `#/$defs/X` (the JSON Schema files' references) → `#/components/schemas/X`. */
function toComponentRefs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as T;
}

function keySchema(topic: string): SchemaObject {
  const { key } = topicMetadata(topic);
  const part: Record<string, string> = {
    companyId: '[A-Za-z0-9_-]{1,64}',
    customerId: '[1-9][0-9]{0,15}',
  };
  for (const field of key.fields)
    if (!part[field]) throw new Error(`no key pattern is known for field ${field} (${topic})`);
  const description =
    key.fields.length === 1
      ? `The event's ${key.fields[0]}.`
      : `The event's ${key.fields.join(', ')}, joined by ":".`;
  const string: SchemaObject = {
    type: 'string',
    pattern: `^${key.fields.map((f) => part[f]).join(':')}$`,
  };
  return key.nullWhen
    ? {
        description: `${description} Null when ${key.nullWhen}.`,
        oneOf: [string, { type: 'null' }],
      }
    : { description, ...string };
}

function headersSchema(topic: string, producers: string[]): SchemaObject {
  const metadata = topicMetadata(topic);
  const names = [...metadata.requiredHeaders, ...metadata.optionalHeaders] as EventHeader[];
  const properties: Record<string, SchemaObject> = {};
  for (const name of names) {
    const description = EVENT_HEADER_DESCRIPTIONS[name];
    if (!description)
      throw new Error(
        `header ${name} of ${topic} is not described in libs/contracts/src/headers.ts`,
      );
    const schema: SchemaObject = { type: 'string', description };
    if (name === 'event-type') schema.const = topic;
    if (name === 'producer') schema.enum = producers;
    if (name === 'correlation-id') schema.maxLength = 200;
    if (name === 'causation-id') schema.format = 'uuid';
    properties[name] = schema;
  }
  return {
    type: 'object',
    properties,
    ...(metadata.requiredHeaders.length > 0 ? { required: [...metadata.requiredHeaders] } : {}),
  };
}

function deadLetterHeadersSchema(): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(DEAD_LETTER_HEADER_SPECS)) {
    properties[name] = {
      type: 'string',
      description: spec.description,
      ...(spec.pattern ? { pattern: spec.pattern } : {}),
    };
    if (spec.always) required.push(name);
  }
  return {
    type: 'object',
    description:
      'The dlq-* headers, beside the original record’s own headers (kept as they were, except ' +
      'on the smallest copy, which keeps at most 50 of them, cut to 200-character names and ' +
      '1 KiB values).',
    properties,
    required,
    additionalProperties: { type: 'string' },
  };
}

function topicConfiguration(policy: 'delete' | 'compact') {
  return policy === 'compact'
    ? { 'cleanup.policy': ['compact'] }
    : { 'cleanup.policy': ['delete'], 'retention.ms': RETENTION_MS };
}

function channelDescription(lines: (string | false | undefined)[]): string {
  return lines.filter(Boolean).join('\n\n');
}

const list = (names: string[]) =>
  names.length > 0 ? names.map((n) => `\`${n}\``).join(', ') : 'none';

/** The AsyncAPI 3.0 document of the given topics (default: every topic of the registry). */
export function buildAsyncApi(topics: readonly string[] = allTopics): Record<string, unknown> {
  const payloads = payloadSchemas(topics);
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };

  const schemas: Record<string, SchemaObject> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  const operation = (
    principal: string,
    action: 'send' | 'receive',
    channelId: string,
    messageId: string,
    summary: string,
  ) => {
    const id = `${camel(principal)}${action === 'send' ? 'Sends' : 'Receives'}${channelId[0].toUpperCase()}${channelId.slice(1)}`;
    const groupPrefix = principal === POS_PRINCIPAL ? POS_GROUP_PREFIX : principal;
    operations[id] = {
      action,
      channel: { $ref: `#/channels/${channelId}` },
      messages: [{ $ref: `#/channels/${channelId}/messages/${messageId}` }],
      summary,
      tags: [{ name: principal === POS_PRINCIPAL ? 'pos' : principal }],
      ...(action === 'receive'
        ? {
            bindings: {
              kafka: {
                groupId: {
                  type: 'string',
                  pattern: `^${groupPrefix.replace(/[.]/g, '\\.')}`,
                  description: `Consumer groups of \`${principal}\` start with "${groupPrefix}" (the broker's ACLs allow no other).`,
                },
                bindingVersion: KAFKA_BINDING,
              },
            },
          }
        : {}),
    };
  };

  for (const { topic, className, root, defs } of payloads) {
    const metadata = topicMetadata(topic);
    const { producers, consumers, deadLetterWriters } = usage(topic);
    if (producers.length === 0)
      throw new Error(`no principal produces ${topic}: add it to libs/contracts/src/access.ts`);
    if (![...producers, ...consumers].includes(metadata.owner))
      throw new Error(`the owner of ${topic} (${metadata.owner}) neither produces nor consumes it`);
    const pos = POS_TOPICS.produces.includes(topic) || POS_TOPICS.consumes.includes(topic);
    const name = registryName(topic);
    const channelId = lowerFirst(name);

    for (const [defName, def] of Object.entries(defs))
      schemas[defName] = toComponentRefs(def as SchemaObject);
    schemas[className] = toComponentRefs(root as SchemaObject);

    const payload: SchemaObject = metadata.tombstone
      ? {
          description: `A ${className}, or null (a tombstone): ${metadata.tombstone}.`,
          oneOf: [{ $ref: `#/components/schemas/${className}` }, { type: 'null' }],
        }
      : { $ref: `#/components/schemas/${className}` };
    const serviceProducers = producers.filter((p) => p !== POS_PRINCIPAL);
    const examples = examplesOf(topic).map(({ name: exampleName, payload: value }) => ({
      name: exampleName,
      // The producing service the example names (an auth failure's `service`), else the first.
      headers: exampleHeaders(
        topic,
        serviceProducers.find((p) => Object.values(value).includes(p)) ??
          serviceProducers[0] ??
          POS_PRINCIPAL,
        value,
      ),
      payload: value,
    }));
    messages[name] = {
      name,
      title: topic,
      summary: metadata.summary,
      contentType: 'application/json',
      headers: headersSchema(topic, serviceProducers),
      payload,
      examples,
      // The largest value parseEvent accepts on the topic (bigger records are dead-lettered).
      'x-max-bytes': eventContractOf(topic)?.maxBytes,
      bindings: { kafka: { key: keySchema(topic), bindingVersion: KAFKA_BINDING } },
    };
    channels[channelId] = {
      address: topic,
      title: topic,
      summary: metadata.summary,
      description: channelDescription([
        metadata.description,
        `**Owner:** \`${metadata.owner}\`. **Produced by:** ${list(producers)}. **Consumed by:** ${list(consumers)}.`,
        `**Key:** ${(keySchema(topic).description as string).replace(/^The event's/, 'the event’s')} **Cleanup policy:** \`${metadata.cleanupPolicy}\`${metadata.cleanupPolicy === 'compact' ? ' (the newest record per key is kept)' : `, retention ${RETENTION_MS / 86_400_000} days`}.`,
        metadata.tombstone && `**Tombstones:** a null value means ${metadata.tombstone}.`,
        deadLetterWriters.length > 0 &&
          `Records its consumers refuse are parked on \`${deadLetterTopic(topic)}\`.`,
      ]),
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      tags: [{ name: pos ? 'pos' : 'internal' }],
      'x-owner': metadata.owner,
      'x-producers': producers,
      'x-consumers': consumers,
      bindings: {
        kafka: {
          topic,
          partitions: DEFAULT_PARTITIONS,
          topicConfiguration: topicConfiguration(metadata.cleanupPolicy),
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    for (const producer of producers)
      operation(producer, 'send', channelId, name, `${producer} publishes ${topic}.`);
    for (const consumer of consumers)
      operation(consumer, 'receive', channelId, name, `${consumer} reads ${topic}.`);

    if (deadLetterWriters.length > 0) {
      const dlqChannelId = `${channelId}DeadLetter`;
      const dlqTopic = deadLetterTopic(topic);
      channels[dlqChannelId] = {
        address: dlqTopic,
        title: dlqTopic,
        summary: `Records of ${topic} a consumer refused, with the reason.`,
        description: channelDescription([
          `The original key and value bytes, unchanged (so a record can be replayed as it is), the original headers, and dlq-* headers naming the consumer group that refused it, when and why (every problem with its JSON path). Operators' topic: the \`${POS_PRINCIPAL}\` principal cannot read it${pos && POS_TOPICS.produces.includes(topic) ? '; a POS learns of its refused records from integration.record-rejected.v1' : ''}.`,
          `**Written by:** ${list(deadLetterWriters)}. **Cleanup policy:** \`delete\`, retention ${RETENTION_MS / 86_400_000} days.`,
        ]),
        messages: { DeadLetterRecord: { $ref: '#/components/messages/DeadLetterRecord' } },
        tags: [{ name: 'dead-letter' }, { name: 'internal' }],
        'x-owner': deadLetterWriters[0],
        'x-producers': deadLetterWriters,
        'x-consumers': [],
        bindings: {
          kafka: {
            topic: dlqTopic,
            partitions: DEFAULT_PARTITIONS,
            topicConfiguration: topicConfiguration('delete'),
            bindingVersion: KAFKA_BINDING,
          },
        },
      };
      for (const writer of deadLetterWriters)
        operation(
          writer,
          'send',
          dlqChannelId,
          'DeadLetterRecord',
          `${writer} parks the ${topic} records it refuses.`,
        );
    }
  }

  messages.DeadLetterRecord = {
    name: 'DeadLetterRecord',
    title: 'Dead-letter record',
    summary:
      'A refused record: its original bytes and dlq-* headers saying who refused it and why.',
    contentType: 'application/octet-stream',
    headers: deadLetterHeadersSchema(),
    payload: {
      description:
        'The refused record’s value bytes, unchanged (any bytes: they may be what broke the ' +
        'contract); null when dlq-value-omitted is set. With dlq-reserialized: the stored event ' +
        're-serialised as JSON.',
    },
    bindings: {
      kafka: {
        key: {
          description:
            'The refused record’s key bytes, unchanged (cut to 1 KiB on the smallest copy); null when it had none.',
        },
        bindingVersion: KAFKA_BINDING,
      },
    },
  };

  return {
    asyncapi: '3.0.0',
    id: 'urn:pos-tripletex:events',
    info: {
      title: 'pos-tripletex events',
      version,
      description: INTRODUCTION,
      license: { name: 'UNLICENSED' },
      tags: [
        { name: 'pos', description: 'Topics a POS back end writes or reads.' },
        { name: 'internal', description: 'Topics only the services use.' },
        { name: 'dead-letter', description: 'Refused records, for operators.' },
      ],
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: '{bootstrap}',
        protocol: 'kafka',
        description:
          'The deployment’s Kafka brokers (SASL; TLS where the deployment terminates it: ' +
          'KAFKA_SECURITY_PROTOCOL SASL_SSL).',
        variables: {
          bootstrap: {
            default: 'localhost:29092',
            description:
              'host:port of a broker (Compose publishes its broker on localhost:29092, ' +
              'deploy/kafka/kafka.sh on 127.0.0.1:9092).',
          },
        },
        security: [
          { $ref: '#/components/securitySchemes/scram' },
          { $ref: '#/components/securitySchemes/plain' },
        ],
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description:
            'SASL SCRAM-SHA-512 with the principal’s name and password (deploy/kafka/kafka.sh).',
        },
        plain: {
          type: 'plain',
          description: 'SASL PLAIN with the principal’s name and password (the Compose stack).',
        },
      },
    },
  };
}

export function asyncApiFile(): string {
  return `${JSON.stringify(buildAsyncApi(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(ASYNCAPI_FILE, asyncApiFile());
  console.log('wrote libs/contracts/asyncapi.json');
}
