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
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicSpec {
  name: string;
  cleanupPolicy: CleanupPolicy;
}

const compacted = new Set<string>([
  Topics.IntegrationConfigV1,
  Topics.CustomersChangedV1,
  Topics.InvoicePaymentMethodV1,
]);

/** The dead-letter topic of a topic: rejected records with their original bytes and the reason. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** How a topic must be created. Dead-letter topics are always plain (delete) topics. */
export function topicSpec(name: string): TopicSpec {
  return { name, cleanupPolicy: compacted.has(name) ? 'compact' : 'delete' };
}

export const allTopics: readonly Topic[] = Object.values(Topics);
