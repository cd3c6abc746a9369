// WARNING: topic names are wire format. Never rename or reuse one; a breaking change ships as
// .v2 beside .v1 until every consumer has moved.
export const Topics = {
  /** POS front ends → sales-export, invoicing. Contract: shared/contracts/CHECKOUT_EVENT.md. */
  CheckoutCompletedV1: 'pos.checkout.completed.v1',
  /** POS front ends → sales-export. Optional Z-report signal that a business day is closed. */
  DayClosedV1: 'pos.day.closed.v1',
  /** onboarding → everyone. Compacted, key = companyId: the latest settings of each company. */
  IntegrationConfigV1: 'integration.config.v1',
  /** sales-export → POS / BackOffice. */
  DayStatusV1: 'sales-export.day-status.v1',
  /** invoicing → POS / BackOffice. */
  InvoiceStatusV1: 'invoicing.invoice-status.v1',
  /** customer-sync → POS. Compacted, key = companyId:customerId, tombstone on delete. */
  CustomersChangedV1: 'customers.changed.v1',
  /** onboarding → POS. Compacted, key = companyId: whether the POS offers the Invoice payment method. */
  InvoicePaymentMethodV1: 'integration.invoice-payment-method.v1',
  /** any service → onboarding: Tripletex refused a company's token (401 even with a fresh session). */
  TripletexAuthFailedV1: 'integration.tripletex-auth-failed.v1',
  /**
   * sales-export, invoicing → POS: a record a POS published was refused (dead-lettered), with every
   * problem. Key = companyId when one could be read.
   */
  RecordRejectedV1: 'integration.record-rejected.v1',
  /**
   * sales-export, invoicing, onboarding → onboarding (kept and listed per company), BackOffice,
   * POS: something needs a person (OPEN), or no longer does (RESOLVED).
   */
  AlertsV1: 'integration.alerts.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export type CleanupPolicy = 'delete' | 'compact';

/** A record key: the named payload fields joined by `:` (UTF-8). */
export interface TopicKey {
  fields: readonly string[];
  /** When the key may be null, and why (otherwise it never is). */
  nullWhen?: string;
}

/**
 * What the AsyncAPI document, the JSON Schemas and the brokers' topic settings say about a topic,
 * beside its name. The payload class is the one parseEvent validates with (parse-event.ts); who
 * produces and consumes it is access.ts (the same lists the ACLs and subscriptions come from).
 */
export interface TopicMetadata {
  /** One sentence: what a record says. */
  summary: string;
  /** More, for the document's readers: when it is published and how to read it. */
  description: string;
  /** Who owns the contract (decides what it carries): a service, or `pos` for the POS intake. */
  owner: string;
  key: TopicKey;
  /** compact: the broker keeps the newest record per key (event-carried state). */
  cleanupPolicy: CleanupPolicy;
  /** When a record has a null value (a tombstone on a compacted topic), if ever. */
  tombstone?: string;
  /** Headers every record carries (set by the producing service). */
  requiredHeaders: readonly string[];
  /** Headers a record may carry. */
  optionalHeaders: readonly string[];
}

const SERVICE_HEADERS = ['event-type', 'producer'] as const;

/**
 * Every topic's metadata. Adding a topic to `Topics` without an entry here fails to compile, and
 * the document generator (scripts/asyncapi.ts) refuses a topic it cannot describe.
 */
export const TOPIC_METADATA = {
  [Topics.CheckoutCompletedV1]: {
    summary: 'A completed checkout (a sale or a refund) at a POS register.',
    description:
      'Published by the POS back ends, one record per checkout; the full contract with its rules ' +
      'and examples is shared/contracts/CHECKOUT_EVENT.md. Amounts are integer øre. Rules JSON ' +
      'Schema cannot express (balance, exact line totals, INVOICE alone and with its customer ' +
      'block, REFUND signs) are enforced by parseEvent, which a POS can run before publishing. ' +
      'At most 256 KiB. The eventId ' +
      'is the idempotency key: publishing the same checkout again (with the same eventId) is ' +
      'harmless. Unknown top-level fields are refused except `x-…` ones, which are ignored. A ' +
      'refused record is parked on pos.checkout.completed.v1.dlq and announced on ' +
      'integration.record-rejected.v1.',
    owner: 'pos',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: [],
    optionalHeaders: ['correlation-id'],
  },
  [Topics.DayClosedV1]: {
    summary: 'Optional Z-report: a business day at a location is closed.',
    description:
      'Closes the day at once (else it closes at the company’s cut-off hour plus a grace period, ' +
      'Europe/Oslo). Its counts and totals are reconciled against the stored sales; countedCash ' +
      'gives the cash difference. Unknown top-level fields are refused except `x-…` ones.',
    owner: 'pos',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: [],
    optionalHeaders: ['correlation-id'],
  },
  [Topics.IntegrationConfigV1]: {
    summary: "A company's integration settings, on every change.",
    description:
      'Internal (event-carried state transfer): every service keeps its own copy. Compacted, so ' +
      "the broker keeps each company's latest settings. Never carries a plaintext token.",
    owner: 'onboarding',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'compact',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: ['correlation-id'],
  },
  [Topics.DayStatusV1]: {
    summary: 'Where a business day at a location stands (OPEN … POSTED, UNMAPPED, FAILED).',
    description:
      'One record per change of a day. UNMAPPED lists what to map, FAILED says why; a POSTED day ' +
      'names its voucher. Tolerant reader: ignore fields you do not know.',
    owner: 'sales-export',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: [],
  },
  [Topics.InvoiceStatusV1]: {
    summary: 'What became of a checkout paid by invoice.',
    description:
      'PENDING, ORDERED, INVOICED (number, KID, amount in øre), CREDITED or FAILED (the reason, ' +
      'and what retries it on its own). causation-id is the checkout’s eventId. Tolerant reader: ' +
      'ignore fields you do not know.',
    owner: 'invoicing',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: [...SERVICE_HEADERS, 'causation-id'],
    optionalHeaders: [],
  },
  [Topics.CustomersChangedV1]: {
    summary: 'The customers a POS may charge by invoice, one record per customer.',
    description:
      'Compacted: reading it from the beginning gives every customer of every company the POS ' +
      'serves. A consumer keeps the highest `version` per key.',
    owner: 'customer-sync',
    key: { fields: ['companyId', 'customerId'] },
    cleanupPolicy: 'compact',
    tombstone: 'the customer was deleted in Tripletex: forget it',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: [],
  },
  [Topics.InvoicePaymentMethodV1]: {
    summary: 'Whether the POS offers the Invoice payment method for a company.',
    description:
      'Compacted: the newest `version` per company wins. Switches the method on when invoicing ' +
      'through Tripletex is enabled and off (with the reason) when it is not.',
    owner: 'onboarding',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'compact',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: ['correlation-id'],
  },
  [Topics.TripletexAuthFailedV1]: {
    summary: "Tripletex refused a company's employee token (401 even with a fresh session).",
    description:
      'Internal: onboarding re-verifies the token and marks the integration as needing attention.',
    owner: 'onboarding',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: [],
  },
  [Topics.RecordRejectedV1]: {
    summary: 'A record a POS published was refused (dead-lettered), with every problem.',
    description:
      'Published by the service that owns the intake (sales-export for checkouts and Z-reports) ' +
      'and by invoicing for a checkout only it refuses, in the same send as the dead-letter ' +
      'record. The eventId derives from the record’s position, so a repeated rejection repeats ' +
      'it. Tolerant reader: ignore fields you do not know.',
    owner: 'sales-export',
    key: { fields: ['companyId'], nullWhen: 'no company could be read from the refused record' },
    cleanupPolicy: 'delete',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: ['correlation-id'],
  },
  [Topics.AlertsV1]: {
    summary: 'Something needs a person (OPEN), or no longer does (RESOLVED).',
    description:
      'Published by the service that knows the cause, in the transaction of the change that ' +
      'raises or clears it: sales-export (a day UNMAPPED or FAILED, until it posts; a Z-report ' +
      'that disagrees with the checkouts received, until it agrees), invoicing (an ' +
      'invoice FAILED, until it is invoiced or taken up again), onboarding (the token refused or ' +
      'missing a right, until it works). `alertKey` names the cause: a repeated OPEN is the same ' +
      'alert seen again, RESOLVED closes it, a later OPEN opens it anew. Onboarding keeps them and ' +
      'lists them per company (GET /v1/companies/{companyId}/alerts). Tolerant reader: ignore ' +
      'fields and kinds you do not know.',
    owner: 'onboarding',
    key: { fields: ['companyId'] },
    cleanupPolicy: 'delete',
    requiredHeaders: SERVICE_HEADERS,
    optionalHeaders: ['correlation-id'],
  },
} as const satisfies Record<Topic, TopicMetadata>;

/** A topic's metadata; throws, naming the topic, when it has none. */
export function topicMetadata(topic: string): TopicMetadata {
  const metadata = (TOPIC_METADATA as Record<string, TopicMetadata | undefined>)[topic];
  if (!metadata || !Object.prototype.hasOwnProperty.call(TOPIC_METADATA, topic))
    throw new Error(
      `topic ${topic} has no metadata: add it to TOPIC_METADATA in libs/contracts/src/topics.ts`,
    );
  return metadata;
}

/** The record key of an event on a topic (null when the topic allows it and a field is absent). */
export function keyOf(topic: Topic, event: object): string | null {
  const { fields, nullWhen } = topicMetadata(topic).key;
  const values = fields.map((f) => (event as Record<string, unknown>)[f]);
  if (values.some((v) => v === undefined || v === null)) {
    if (nullWhen) return null;
    throw new Error(`an event on ${topic} needs ${fields.join(' and ')} for its key`);
  }
  return values.map(String).join(':');
}

export interface TopicSpec {
  name: string;
  cleanupPolicy: CleanupPolicy;
}

/** The dead-letter topic of a topic: rejected records with their original bytes and the reason. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** How a topic must be created. Dead-letter topics are always plain (delete) topics. */
export function topicSpec(name: string): TopicSpec {
  const metadata = (TOPIC_METADATA as Record<string, TopicMetadata | undefined>)[name];
  return {
    name,
    cleanupPolicy:
      metadata && Object.prototype.hasOwnProperty.call(TOPIC_METADATA, name)
        ? metadata.cleanupPolicy
        : 'delete',
  };
}

export const allTopics: readonly Topic[] = Object.values(Topics);
