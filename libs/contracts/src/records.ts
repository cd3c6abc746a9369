import { CheckoutCompletedV1, CheckoutLineV1 } from './events/checkout-completed.v1';
import { EventHeaders } from './headers';
import { EventsByTopic, ParseableTopic, parseEvent } from './parsing/parse-event';
import { Problem } from './parsing/problem';
import { Topics, keyOf } from './topics';

/** A checkout line as a POS writes it: `discountGross` may be left out (it defaults to 0). */
export type CheckoutLineInput = Omit<CheckoutLineV1, 'discountGross'> & { discountGross?: number };

/** A checkout as a POS writes it: `tip`, `rounding` and each line's `discountGross` default to 0. */
export type CheckoutCompletedInput = Omit<CheckoutCompletedV1, 'tip' | 'rounding' | 'lines'> & {
  tip?: number;
  rounding?: number;
  lines: CheckoutLineInput[];
};

/** What a producer writes for each topic (the event, with the fields that have defaults optional). */
export type EventInput<K extends ParseableTopic> = K extends typeof Topics.CheckoutCompletedV1
  ? CheckoutCompletedInput
  : EventsByTopic[K];

/** A Kafka record, in the shape kafkajs's `producer.send({ topic, messages: [record] })` takes. */
export interface EventRecord {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** An event that breaks its topic's contract: every problem, each with its JSON path. */
export class ContractViolationError extends Error {
  constructor(
    readonly topic: string,
    readonly problems: Problem[],
  ) {
    super(
      `the event breaks the contract of ${topic}: ${problems
        .map((p) => `${p.path || '(record)'}: ${p.message}`)
        .join('; ')}`,
    );
    this.name = 'ContractViolationError';
  }
}

/**
 * The Kafka record of an event: its JSON value, checked by the same parseEvent the services run
 * (so a record this returns is one they accept), the key the topic demands (the companyId, …) and
 * the headers. Throws ContractViolationError, listing every problem, for an event they would refuse.
 */
export function eventRecord<K extends ParseableTopic>(
  topic: K,
  event: EventInput<K>,
  options: { correlationId?: string; headers?: Record<string, string> } = {},
): EventRecord {
  const value = JSON.stringify(event);
  const parsed = parseEvent(topic, value);
  if (!parsed.ok) throw new ContractViolationError(topic, parsed.problems);
  return {
    key: keyOf(topic, parsed.event),
    value,
    headers: {
      ...options.headers,
      ...(options.correlationId ? { [EventHeaders.CorrelationId]: options.correlationId } : {}),
    },
  };
}
