import { deadLetterTopic, Topics } from './topics';

/**
 * Who may do what on the broker: the one place that says which topics each service and the POS
 * back ends produce and consume. The services subscribe from it (MessagingModule.forService), and
 * the broker's ACLs are generated from it (`aclPlan`, written to deploy/kafka/acls.json), so the
 * two cannot drift apart.
 */
export interface TopicUsage {
  consumes: readonly string[];
  produces: readonly string[];
}

export const SERVICE_TOPICS = {
  onboarding: {
    consumes: [Topics.TripletexAuthFailedV1, Topics.AlertsV1],
    produces: [Topics.IntegrationConfigV1, Topics.InvoicePaymentMethodV1, Topics.AlertsV1],
  },
  'sales-export': {
    consumes: [Topics.CheckoutCompletedV1, Topics.DayClosedV1, Topics.IntegrationConfigV1],
    produces: [
      Topics.RecordRejectedV1,
      Topics.DayStatusV1,
      Topics.TripletexAuthFailedV1,
      Topics.AlertsV1,
    ],
  },
  'customer-sync': {
    consumes: [Topics.IntegrationConfigV1],
    produces: [Topics.CustomersChangedV1, Topics.TripletexAuthFailedV1],
  },
  invoicing: {
    consumes: [Topics.CheckoutCompletedV1, Topics.IntegrationConfigV1, Topics.CustomersChangedV1],
    produces: [
      Topics.RecordRejectedV1,
      Topics.InvoiceStatusV1,
      Topics.TripletexAuthFailedV1,
      Topics.AlertsV1,
    ],
  },
} as const satisfies Record<string, TopicUsage>;

export type ServicePrincipal = keyof typeof SERVICE_TOPICS;

/**
 * The POS back ends (one principal, `pos`): they publish checkouts and Z-reports for their
 * tenants and read what the system tells the POS. They never read settings, tokens or dead
 * letters, and never write anything a service owns.
 */
export const POS_TOPICS: TopicUsage = {
  produces: [Topics.CheckoutCompletedV1, Topics.DayClosedV1],
  consumes: [
    Topics.DayStatusV1,
    Topics.InvoiceStatusV1,
    Topics.CustomersChangedV1,
    Topics.InvoicePaymentMethodV1,
    Topics.RecordRejectedV1,
    Topics.AlertsV1,
  ],
};

/** The principal of the POS back ends, and the prefix its consumer groups must start with. */
export const POS_PRINCIPAL = 'pos';
export const POS_GROUP_PREFIX = 'pos.';

export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DESCRIBE';

/** One ACL: allow `principal` the `operations` on a topic or group (exact name or name prefix). */
export interface AclEntry {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  patternType: 'LITERAL' | 'PREFIXED';
  name: string;
  operations: AclOperation[];
}

/**
 * Every ACL the broker needs (allow only; nothing else is allowed, `admin` is the super user):
 * - a service creates the topics it uses at start-up (CREATE), writes what it produces and the
 *   dead-letter topics of what it consumes, reads what it consumes, and uses consumer groups whose
 *   id starts with its own name (`KAFKA_GROUP_ID=invoicing`, `invoicing.blue`, …);
 * - `pos` writes checkouts and Z-reports, reads the status topics, with groups named `pos.…`.
 */
export function aclPlan(): AclEntry[] {
  const topic = (principal: string, name: string, operations: AclOperation[]): AclEntry => ({
    principal,
    resourceType: 'TOPIC',
    patternType: 'LITERAL',
    name,
    operations,
  });
  const group = (principal: string, prefix: string): AclEntry => ({
    principal,
    resourceType: 'GROUP',
    patternType: 'PREFIXED',
    name: prefix,
    operations: ['READ', 'DESCRIBE'],
  });
  const entries: AclEntry[] = [];
  for (const [principal, usage] of Object.entries(SERVICE_TOPICS) as [string, TopicUsage][]) {
    for (const name of usage.produces)
      entries.push(topic(principal, name, ['WRITE', 'DESCRIBE', 'CREATE']));
    for (const name of usage.consumes) {
      entries.push(topic(principal, name, ['READ', 'DESCRIBE', 'CREATE']));
      entries.push(topic(principal, deadLetterTopic(name), ['WRITE', 'DESCRIBE', 'CREATE']));
    }
    entries.push(group(principal, principal));
  }
  for (const name of POS_TOPICS.produces)
    entries.push(topic(POS_PRINCIPAL, name, ['WRITE', 'DESCRIBE']));
  for (const name of POS_TOPICS.consumes)
    entries.push(topic(POS_PRINCIPAL, name, ['READ', 'DESCRIBE']));
  entries.push(group(POS_PRINCIPAL, POS_GROUP_PREFIX));
  return entries;
}

/** Every principal the broker knows besides the super user `admin`. */
export const KAFKA_PRINCIPALS: readonly string[] = [...Object.keys(SERVICE_TOPICS), POS_PRINCIPAL];
