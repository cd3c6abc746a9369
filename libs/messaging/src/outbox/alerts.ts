import { AlertV1, keyOf, Topics } from '@pos-tripletex/contracts';
import { randomUUID } from 'node:crypto';
import { OutgoingEvent } from './outbox';

/** An alert as its producer states it; the id, version and source are added by `alertEvent`. */
export type AlertInput = Omit<AlertV1, 'eventId' | 'schemaVersion' | 'source' | 'occurredAt'> & {
  occurredAt?: string;
};

/**
 * An integration.alerts.v1 record for the outbox (`outbox.add(tx, alertEvent(…))`): published with
 * the change that raises or clears it. Title and message are cut to the contract's lengths, so a
 * long reason from Tripletex never makes the event invalid.
 */
export function alertEvent(
  source: string,
  alert: AlertInput,
  correlationId?: string,
): OutgoingEvent {
  const value: AlertV1 = {
    eventId: randomUUID(),
    schemaVersion: 1,
    ...alert,
    title: alert.title.slice(0, 200),
    message: alert.message.slice(0, 2000),
    source,
    occurredAt: alert.occurredAt ?? new Date().toISOString(),
  };
  return {
    topic: Topics.AlertsV1,
    key: keyOf(Topics.AlertsV1, value) as string,
    value,
    headers: {
      'event-type': Topics.AlertsV1,
      producer: source,
      ...(correlationId ? { 'correlation-id': correlationId } : {}),
    },
  };
}
