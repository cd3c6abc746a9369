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

const ROWS_PER_STATEMENT = 1000;

/**
 * Transactional outbox: an event is written in the same transaction as the state change it
 * describes, so both commit or neither does; the relay publishes it afterwards. A row from a
 * rolled-back transaction never existed, so it is never published.
 */
@Injectable()
export class Outbox {
  constructor(private readonly relay: OutboxRelay) {}

  /**
   * Writes the events in the caller's transaction, in statements of at most 1,000 rows (PostgreSQL
   * takes at most 65,535 parameters per statement), so one transaction may publish any number.
   */
  async add(tx: EntityManager, ...events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      const chunk = events.slice(start, start + ROWS_PER_STATEMENT);
      await tx.query(
        `INSERT INTO outbox_messages (topic, key, value, headers)
         SELECT u.topic, u.key, u.value, u.headers
         FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::jsonb[])
           WITH ORDINALITY AS u(topic, key, value, headers, n)
         ORDER BY u.n`,
        [
          chunk.map((e) => e.topic),
          chunk.map((e) => e.key),
          chunk.map((e) => (e.value === null ? null : JSON.stringify(e.value))),
          chunk.map((e) => JSON.stringify(e.headers ?? {})),
        ],
      );
    }
    // Wake the relay once this transaction has committed; if it rolls back the relay finds nothing.
    this.relay.nudgeSoon();
  }
}
