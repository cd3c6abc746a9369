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

function toBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value);
  // Only if a transport already decoded JSON: re-encode so parsing sees bytes again.
  return Buffer.from(JSON.stringify(value));
}

export function headersToStrings(
  headers: Record<string, unknown> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
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
