import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  DeadLetterHeaders,
  POS_TOPICS,
  SERVICE_TOPICS,
  TOPIC_METADATA,
  allTopics,
  deadLetterTopic,
  keyOf,
  parseEvent,
  topicSpec,
} from '../src';
import { ASYNCAPI_FILE, asyncApiFile, buildAsyncApi, examplesOf } from './asyncapi';
import { SCHEMA_DIR } from './json-schema';

/**
 * Diagnostics of the official parser we reviewed and accept, each with the reason. Anything else
 * (an error, a warning, or an information not listed here) fails the test.
 */
const REVIEWED: Record<string, string> = {
  // Information (not a warning): AsyncAPI 3.1.0 exists. We publish 3.0.0 on purpose, the version
  // POS teams' code generators read; nothing in the document needs 3.1.
  'asyncapi-latest-version': 'we publish AsyncAPI 3.0.0 deliberately',
};

type Doc = {
  channels: Record<string, Record<string, unknown> & { address: string }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: {
    messages: Record<string, Record<string, unknown>>;
    schemas: Record<string, unknown>;
  };
};

const committed = () => readFileSync(ASYNCAPI_FILE, 'utf8');

describe('the AsyncAPI document (libs/contracts/asyncapi.json)', () => {
  it('is up to date with libs/contracts (run `npx nx run contracts:schemas` if not)', () => {
    expect(committed()).toBe(asyncApiFile());
  });

  it('has no diagnostics from the official AsyncAPI parser but the reviewed ones', async () => {
    const { document, diagnostics } = await new Parser().parse(committed());
    const unexpected = diagnostics.filter((d) => !(d.code in REVIEWED));
    expect(
      unexpected.map(
        (d) => `${DiagnosticSeverity[d.severity]} ${d.code} ${d.path.join('.')}: ${d.message}`,
      ),
    ).toEqual([]);
    // A reviewed diagnostic must stay below a warning: a future parser that raises it fails here.
    expect(diagnostics.every((d) => Number(d.severity) > Number(DiagnosticSeverity.Warning))).toBe(
      true,
    );
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(
      document!
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(expect.arrayContaining([...allTopics]));
  });

  it('is refused by the parser when it is broken, so the check above can fail', async () => {
    const broken = JSON.parse(committed()) as Doc;
    broken.channels.dayStatusV1.bindings = {
      kafka: { topicConfiguration: { 'cleanup.policy': ['sometimes'] }, bindingVersion: '0.5.0' },
    };
    const diagnostics = await new Parser().validate(JSON.stringify(broken));
    expect(
      diagnostics.filter((d) => Number(d.severity) === Number(DiagnosticSeverity.Error)),
    ).not.toEqual([]);
  });

  const doc = JSON.parse(committed()) as Doc;

  it.each([...allTopics])('describes %s: address, key, headers, cleanup policy, owner', (topic) => {
    const [, channel] = Object.entries(doc.channels).find(([, c]) => c.address === topic)!;
    const metadata = TOPIC_METADATA[topic];
    expect(channel['x-owner']).toBe(metadata.owner);
    const kafka = (channel.bindings as { kafka: { topicConfiguration: Record<string, unknown> } })
      .kafka;
    expect(kafka.topicConfiguration['cleanup.policy']).toEqual([topicSpec(topic).cleanupPolicy]);
    const producers = [...Object.entries(SERVICE_TOPICS), ['pos', POS_TOPICS] as const]
      .filter(([, u]) => (u.produces as readonly string[]).includes(topic))
      .map(([p]) => p);
    expect(channel['x-producers']).toEqual(producers);
    const message = Object.values(doc.components.messages).find((m) => m.title === topic)!;
    const headers = message.headers as { required?: string[] };
    expect(headers.required ?? []).toEqual([...metadata.requiredHeaders]);
    expect(JSON.stringify(message.bindings)).toContain('"key"');
  });

  it('has a dead-letter channel, with every dlq-* header, for each topic a service consumes', () => {
    const consumed = new Set(Object.values(SERVICE_TOPICS).flatMap((u) => [...u.consumes]));
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of consumed) expect(addresses).toContain(deadLetterTopic(topic));
    const dlq = doc.components.messages.DeadLetterRecord as {
      headers: { properties: Record<string, unknown>; required: string[] };
    };
    expect(Object.keys(dlq.headers.properties).sort()).toEqual(
      Object.values(DeadLetterHeaders).sort(),
    );
    expect(dlq.headers.required).toEqual(
      expect.arrayContaining(['dlq-original-topic', 'dlq-error-code', 'dlq-problems']),
    );
  });

  it('gives every operation a channel of the document and a POS group prefix to POS readers', () => {
    for (const [id, op] of Object.entries(doc.operations)) {
      expect(doc.channels[op.channel.$ref.replace('#/channels/', '')]).toBeDefined();
      if (id.startsWith('pos') && op.action === 'receive')
        expect(JSON.stringify(op)).toContain('"pattern":"^pos\\\\."');
    }
    const posOps = Object.keys(doc.operations).filter((id) => id.startsWith('pos'));
    expect(posOps).toHaveLength(POS_TOPICS.produces.length + POS_TOPICS.consumes.length);
  });

  describe.each([...allTopics])('the examples of %s', (topic) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const payloadSchema = ajv.compile(
      JSON.parse(readFileSync(join(SCHEMA_DIR, `${topic}.schema.json`), 'utf8')) as object,
    );
    const message = Object.values(doc.components.messages).find((m) => m.title === topic)!;
    const headerSchema = new Ajv({ allErrors: true, strict: false }).compile(
      message.headers as object,
    );
    const examples = message.examples as {
      name: string;
      headers: Record<string, string>;
      payload: object;
    }[];

    it('are those of the fixtures, at least one', () => {
      expect(examples.map((e) => e.name)).toEqual(examplesOf(topic).map((e) => e.name));
      expect(examples.length).toBeGreaterThan(0);
    });

    it.each(examples.map((e) => [e.name, e] as const))(
      '%s: parseEvent and the JSON Schema accept it; its headers and key are right',
      (_, { headers, payload }) => {
        const parsed = parseEvent(topic, JSON.stringify(payload));
        expect(parsed.ok ? [] : parsed.problems).toEqual([]);
        expect(payloadSchema(payload) ? [] : payloadSchema.errors).toEqual([]);
        expect(headerSchema(headers) ? [] : headerSchema.errors).toEqual([]);
        expect(keyOf(topic, payload)).toMatch(/^[A-Za-z0-9_-]{1,64}(:\d+)?$/);
      },
    );
  });

  it('refuses to describe a topic without an example', () => {
    expect(() => examplesOf('integration.not-yet.v1')).toThrow(
      /integration\.not-yet\.v1 has no example: add one as libs\/contracts\/fixtures\/examples/,
    );
  });

  it('fails loudly for a topic that lacks metadata (e.g. a new topic added to the registry only)', () => {
    expect(() => buildAsyncApi([...allTopics, 'integration.not-yet.v1'])).toThrow(
      /integration\.not-yet\.v1 has no metadata: add it to TOPIC_METADATA/,
    );
  });
});
