import type { KafkaContext } from '@nestjs/microservices';

/** A consumed record, independent of how it was consumed (Nest transport or a batch consumer). */
export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp, ms since epoch as a string. */
  timestamp: string;
  /** Keeps the consumer's group membership alive during long work; a no-op where not needed. */
  heartbeat: () => Promise<void>;
}

/** The parts of a kafkajs record we read (kafkajs's KafkaMessage, without importing kafkajs here). */
export interface RawKafkaRecord {
  offset: string;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown>;
  timestamp: string;
}

/** A record exactly as the broker gave it: key, value and headers stay bytes until we read them. */
export function fromKafkaRecord(
  topic: string,
  partition: number,
  record: RawKafkaRecord,
  heartbeat: () => Promise<void>,
): ReceivedMessage {
  return {
    topic,
    partition,
    offset: record.offset,
    key: toBuffer(record.key),
    value: toBuffer(record.value),
    headers: headersToStrings(record.headers),
    timestamp: record.timestamp,
    heartbeat,
  };
}

function toBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value);
  // Only if a transport already decoded JSON: re-encode so parsing sees bytes again.
  return Buffer.from(JSON.stringify(value));
}

/**
 * Header values as text (the first value of a repeated header). A null-prototype object, so a
 * header named `__proto__` or `constructor` is just a header.
 */
export function headersToStrings(
  headers: Record<string, unknown> | undefined,
): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first === null) continue;
    // kafkajs hands over Buffers; anything else is named by its type, never trusted as an object.
    out[name] = Buffer.isBuffer(first)
      ? first.toString('utf8')
      : typeof first === 'string'
        ? first
        : Object.prototype.toString.call(first);
  }
  return out;
}

export function fromKafkaContext(ctx: KafkaContext): ReceivedMessage {
  const message = ctx.getMessage();
  return {
    topic: ctx.getTopic(),
    partition: ctx.getPartition(),
    offset: message.offset,
    key: toBuffer(message.key),
    value: toBuffer(message.value),
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
    heartbeat: () => ctx.getHeartbeat()(),
  };
}
