import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxRelay } from './outbox-relay';

export interface OutgoingEvent {
  topic: string;
  /** Partition key: companyId, or companyId:entityId on compacted topics. */
  key: string;
  /** Serialised as JSON; null publishes a tombstone (compacted topics only). */
  value: object | null;
  /** Kafka headers, kebab-case (correlation-id, causation-id, event-type, producer). */
  headers?: Record<string, string>;
}

/**
 * Transactional outbox: an event is written in the same transaction as the state change it
 * describes, so both commit or neither does; the relay publishes it afterwards. A row from a
 * rolled-back transaction never existed, so it is never published.
 */
@Injectable()
export class Outbox {
  constructor(private readonly relay: OutboxRelay) {}

  async add(tx: EntityManager, ...events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(
        e.topic,
        e.key,
        e.value === null ? null : JSON.stringify(e.value),
        JSON.stringify(e.headers ?? {}),
      );
      const p = i * 4;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::jsonb)`;
    });
    await tx.query(
      `INSERT INTO outbox_messages (topic, key, value, headers) VALUES ${rows.join(', ')}`,
      values,
    );
    // Wake the relay once this transaction has committed; if it rolls back the relay finds nothing.
    this.relay.nudgeSoon();
  }
}
