// Kafka record headers: names are wire format, values are UTF-8 strings. Listed here (not in
// libs/messaging) so the AsyncAPI document, the POS package and the services share one spelling.

/** Headers the services set on the events they publish. */
export const EventHeaders = {
  /** The topic the event was written for, e.g. `invoicing.invoice-status.v1`. */
  EventType: 'event-type',
  /** The service that published it, e.g. `invoicing`. */
  Producer: 'producer',
  /** Carried over from the record or request that caused the event, when it had one. */
  CorrelationId: 'correlation-id',
  /** The eventId of the event this one answers (an invoice status: its checkout's eventId). */
  CausationId: 'causation-id',
} as const;
export type EventHeader = (typeof EventHeaders)[keyof typeof EventHeaders];

/** What each event header carries: the AsyncAPI document's header descriptions. */
export const EVENT_HEADER_DESCRIPTIONS: Record<EventHeader, string> = {
  'event-type': 'The topic the event was written for (equal to the channel address).',
  producer: 'The service that published the event (its Kafka principal), e.g. `invoicing`.',
  'correlation-id':
    'Optional, at most 200 characters: carried over from the record or request that caused the ' +
    'event. A POS may set it on what it publishes; a rejection of the record repeats it.',
  'causation-id': 'The eventId of the event this one answers.',
};

/**
 * Header names on dead-letter records (`<topic>.dlq`). The value and key are the original bytes,
 * untouched, and the original headers are kept beside these.
 */
export const DeadLetterHeaders = {
  OriginalTopic: 'dlq-original-topic',
  OriginalPartition: 'dlq-original-partition',
  OriginalOffset: 'dlq-original-offset',
  OriginalTimestamp: 'dlq-original-timestamp',
  ConsumerGroup: 'dlq-consumer-group',
  ErrorCode: 'dlq-error-code',
  ErrorMessage: 'dlq-error-message',
  Problems: 'dlq-problems',
  FailedAt: 'dlq-failed-at',
  /** Set when the broker refused the full copy: the original value's size and SHA-256 instead. */
  ValueOmitted: 'dlq-value-omitted',
  ValueSha256: 'dlq-value-sha256',
  /** The value is the stored event re-serialised, not the original bytes (invoicing). */
  Reserialized: 'dlq-reserialized',
} as const;
export type DeadLetterHeader = (typeof DeadLetterHeaders)[keyof typeof DeadLetterHeaders];

/** What each dead-letter header carries, and whether every dead-letter record has it. */
export const DEAD_LETTER_HEADER_SPECS: Record<
  DeadLetterHeader,
  { description: string; always: boolean; pattern?: string }
> = {
  'dlq-original-topic': { description: 'The topic the record was read from.', always: true },
  'dlq-original-partition': {
    description: 'Its partition (decimal).',
    always: false,
    pattern: '^\\d+$',
  },
  'dlq-original-offset': { description: 'Its offset (decimal).', always: false, pattern: '^\\d+$' },
  'dlq-original-timestamp': {
    description: 'Its Kafka timestamp (milliseconds since the epoch, as the producer set it).',
    always: false,
    pattern: '^-?\\d+$',
  },
  'dlq-consumer-group': {
    description: 'The consumer group that refused it (e.g. `sales-export`, `invoicing`).',
    always: true,
  },
  'dlq-error-code': {
    description:
      'Why: CONTRACT_VIOLATION, DATABASE_REFUSED, RETRIES_EXHAUSTED or a service code such as ' +
      'INVOICING.CUSTOMER_UNKNOWN.',
    always: true,
  },
  'dlq-error-message': {
    description: 'The reason in plain words (at most 1000 characters).',
    always: true,
  },
  'dlq-problems': {
    description:
      'Every problem found, as a JSON array of {path, code, message} (`[]` when none); cut at ' +
      '64 KiB (4 KiB on a smaller copy) and then ending in "…".',
    always: true,
  },
  'dlq-failed-at': { description: 'When it was refused (RFC 3339, UTC).', always: true },
  'dlq-value-omitted': {
    description:
      'Only when the broker refused even a copy without the original headers: the original ' +
      'value\'s size ("1234 bytes"); the record then has no value and its key is cut to 1 KiB.',
    always: false,
    pattern: '^\\d+ bytes$',
  },
  'dlq-value-sha256': {
    description: 'With dlq-value-omitted: the SHA-256 of the original value (hex).',
    always: false,
    pattern: '^[0-9a-f]{64}$',
  },
  'dlq-reserialized': {
    description:
      '"true" when the value is the stored event re-serialised rather than the original bytes ' +
      '(invoicing parks a checkout Tripletex refused after intake); it replays as the same event.',
    always: false,
    pattern: '^true$',
  },
};
