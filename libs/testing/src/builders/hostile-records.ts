import { randomBytes, randomUUID } from 'node:crypto';
import { limitsOf, ParseableTopic } from '@pos-tripletex/contracts';
import type { TestRecord } from '../kafka/test-kafka';

/** A record no consumer may choke on. Its `x-hostile-id` header follows it onto the `.dlq`. */
export interface HostileRecord {
  id: string;
  kind: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string | Buffer>;
}

/** The header that identifies a hostile record, copied by dead-lettering. */
export const HOSTILE_ID_HEADER = 'x-hostile-id';

const deepArray = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;

/**
 * Every kind of structural hostility a consumed topic must survive (at least 20 kinds): broken
 * bytes and JSON, JSON of the wrong shape, nesting thousands deep in known, unknown and extension
 * fields, too many values, over the size limit, numbers beyond any integer, lone surrogates,
 * prototype keys, keys of every shape (JSON-like, binary, empty, null – except on a compacted
 * topic, whose broker refuses a record without a key), hostile headers (Nest's request/reply
 * headers, JSON-looking and binary values), tombstones. `valid` is a valid event of
 * the topic for `companyId`; each hostile record breaks it so that no consumer may apply it.
 * On a compacted topic a tombstone keyed by a companyId is legitimate, so only odd-keyed ones are
 * included there.
 */
type Shape = Omit<HostileRecord, 'id' | 'kind' | 'headers'> & {
  headers?: HostileRecord['headers'];
};
type Kind = [string, Shape];
const kind = (name: string, shape: Shape): Kind => [name, shape];

export function hostileRecords(
  topic: ParseableTopic,
  valid: Record<string, unknown>,
  options: { compacted?: boolean } = {},
): HostileRecord[] {
  const companyId = String(valid.companyId);
  const { maxBytes, maxValues } = limitsOf(topic);
  const json = JSON.stringify(valid);
  const body = json.slice(1, -1); // the fields, to splice more around them
  const { eventId: _eventId, ...withoutEventId } = valid;
  const kinds: Kind[] = [
    ['truncated-json', { key: companyId, value: json.slice(0, Math.floor(json.length / 2)) }],
    ['random-binary', { key: companyId, value: randomBytes(200) }],
    [
      'invalid-utf8',
      {
        key: companyId,
        value: Buffer.concat([
          Buffer.from(json.slice(0, -1)),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('}'),
        ]),
      },
    ],
    ['json-array', { key: companyId, value: `[${json}]` }],
    ['json-number', { key: companyId, value: '42' }],
    ['json-null', { key: companyId, value: 'null' }],
    ['json-string', { key: companyId, value: JSON.stringify(json) }],
    [
      'deep-array-unknown-field',
      { key: companyId, value: `{${body},"surprise":${deepArray(5000)}}` },
    ],
    [
      'deep-object-known-field',
      {
        key: companyId,
        value: `{${JSON.stringify(withoutEventId).slice(1, -1)},"eventId":${deepObject(5000)}}`,
      },
    ],
    [
      'deep-array-extension-field',
      { key: companyId, value: `{${body},"x-ext":${deepArray(20000)}}` },
    ],
    [
      'deep-array-nested-in-array',
      {
        key: companyId,
        value: `{${body},"x-list":[1,2,${deepArray(3000)}]}`.replace(
          `"eventId":"${String(valid.eventId)}"`,
          '"eventId":1',
        ),
      },
    ],
    [
      'too-many-values',
      {
        key: companyId,
        value: `{${body},"x-many":[${Array.from({ length: maxValues + 10 }, () => '0').join(',')}]}`,
      },
    ],
    ...(maxBytes < 900 * 1024
      ? [
          kind('oversized', {
            key: companyId,
            value: `{${body},"x-pad":"${'x'.repeat(maxBytes + 1)}"}`,
          }),
        ]
      : []),
    [
      'huge-numbers',
      {
        key: companyId,
        value: `{${JSON.stringify(withoutEventId).slice(1, -1)},"eventId":1e400,"schemaVersion":18446744073709551617}`,
      },
    ],
    [
      'lone-surrogate',
      {
        key: companyId,
        value: `{${body.replace(`"companyId":"${companyId}"`, '"companyId":"\\ud800"')}}`,
      },
    ],
    [
      'prototype-keys',
      {
        key: companyId,
        value: `{"__proto__":{"companyId":"${companyId}","eventId":"${randomUUID()}"},"constructor":{"prototype":{"x":1}},${JSON.stringify(withoutEventId).slice(1, -1)}}`,
      },
    ],
    [
      'wrong-types',
      { key: companyId, value: JSON.stringify({ ...valid, eventId: 12345, companyId: ['x'] }) },
    ],
    ['missing-fields', { key: companyId, value: JSON.stringify({ companyId }) }],
    [
      'schema-version-99',
      { key: companyId, value: JSON.stringify({ ...valid, schemaVersion: 99 }) },
    ],
    ['json-looking-key', { key: '{"a":1}', value: json.slice(0, 10) }],
    ['json-array-key', { key: '[1,2,{"b":[3]}]', value: JSON.stringify({ companyId }) }],
    [
      'binary-key',
      { key: randomBytes(32), value: JSON.stringify({ ...valid, eventId: 'not-a-uuid' }) },
    ],
    ['empty-key', { key: '', value: JSON.stringify({ ...valid, schemaVersion: 0 }) }],
    // A compacted topic's broker refuses a record without a key: nobody can send one there.
    ...(options.compacted
      ? []
      : [kind('null-key', { key: null, value: JSON.stringify({ ...valid, eventId: null }) })]),
    [
      'hostile-headers',
      {
        key: companyId,
        value: json.slice(0, 25),
        headers: {
          kafka_correlationId: 'c1',
          kafka_replyTopic: topic,
          kafka_replyPartition: '0',
          'json-header': '{"a":{"b":[1,2]}}',
          'deep-header': deepArray(5000),
          'binary-header': randomBytes(16),
          __proto__: 'x',
        },
      },
    ],
    ...(options.compacted
      ? [
          kind('tombstone-json-key', { key: '{"a":1}', value: null }),
          kind('tombstone-binary-key', { key: Buffer.from([0xff, 0x00, 0xfe]), value: null }),
          kind('tombstone-empty-key', { key: '', value: null }),
          kind('tombstone-long-key', { key: 'k'.repeat(5000), value: null }),
        ]
      : [
          kind('tombstone', { key: companyId, value: null }),
          kind('empty-value', { key: companyId, value: '' }),
        ]),
  ];
  return kinds.map(([name, record]) => {
    const id = `${name}:${randomUUID()}`;
    return {
      id,
      kind: name,
      key: record.key,
      value: record.value,
      headers: { ...(record.headers ?? {}), [HOSTILE_ID_HEADER]: id, 'x-hostile-kind': name },
    };
  });
}

/**
 * Publishes the hostile records and the good ones interleaved (one hostile record after every few
 * good ones, same topic, so they share partitions with the good companies' records).
 */
export async function publishInterleaved(
  kafka: { produce(topic: string, messages: TestRecord[]): Promise<void> },
  topic: string,
  hostile: HostileRecord[],
  good: { key: string; value: object }[],
): Promise<void> {
  const mixed: TestRecord[] = [];
  const step = Math.max(1, Math.ceil(good.length / Math.max(1, hostile.length)));
  let h = 0;
  for (let i = 0; i < good.length; i++) {
    mixed.push(good[i]);
    if (i % step === step - 1 && h < hostile.length) mixed.push(hostile[h++]);
  }
  while (h < hostile.length) mixed.push(hostile[h++]);
  // One record per send: a record the broker would take alone never fails the batch of others.
  for (const m of mixed) await kafka.produce(topic, [m]);
}

/** A dead-letter record as a collector saw it. */
interface CollectedRecord {
  topic: string;
  headers: Record<string, string>;
}

/**
 * The hostile records not (yet) on `<topic>.dlq` from `group` with a reason: an empty list means
 * every one was dead-lettered by that consumer group, with an error code and message.
 */
export function notDeadLettered(
  collected: CollectedRecord[],
  dlqTopic: string,
  group: string,
  hostile: HostileRecord[],
): HostileRecord[] {
  const parked = new Set(
    collected
      .filter(
        (m) =>
          m.topic === dlqTopic &&
          m.headers['dlq-consumer-group'] === group &&
          (m.headers['dlq-error-code'] ?? '') !== '' &&
          (m.headers['dlq-error-message'] ?? '') !== '',
      )
      .map((m) => m.headers[HOSTILE_ID_HEADER]),
  );
  return hostile.filter((h) => !parked.has(h.id));
}
