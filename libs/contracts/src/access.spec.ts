import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclPlan, KAFKA_PRINCIPALS, POS_TOPICS, SERVICE_TOPICS } from './access';
import { allTopics, deadLetterTopic, Topics } from './topics';

const allowed = (principal: string, topic: string) =>
  new Set(
    aclPlan()
      .filter((a) => a.principal === principal && a.resourceType === 'TOPIC' && a.name === topic)
      .flatMap((a) => a.operations),
  );

describe('the broker ACLs', () => {
  it('are the ones deploy/kafka/acls.json applies (regenerate with `npm run kafka:acls`)', () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '../../../deploy/kafka/acls.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual({ principals: KAFKA_PRINCIPALS, acls: aclPlan() });
  });

  it('give every topic exactly one producing service, or the POS', () => {
    for (const topic of allTopics) {
      const producers = [
        ...Object.entries(SERVICE_TOPICS)
          .filter(([, usage]) => (usage.produces as readonly string[]).includes(topic))
          .map(([name]) => name),
        ...(POS_TOPICS.produces.includes(topic) ? ['pos'] : []),
      ];
      // integration.tripletex-auth-failed.v1, record-rejected and alerts have several senders by
      // design (the service that knows the cause publishes it).
      if (
        topic === Topics.TripletexAuthFailedV1 ||
        topic === Topics.RecordRejectedV1 ||
        topic === Topics.AlertsV1
      )
        expect(producers.length).toBeGreaterThan(1);
      else expect(producers).toHaveLength(1);
    }
  });

  it('never let the POS principal read settings (sealed tokens) or dead letters, or write what a service owns', () => {
    expect(allowed('pos', Topics.IntegrationConfigV1).size).toBe(0);
    for (const topic of allTopics) expect(allowed('pos', deadLetterTopic(topic)).size).toBe(0);
    expect([...allowed('pos', Topics.CheckoutCompletedV1)].sort()).toEqual(['DESCRIBE', 'WRITE']);
    expect(allowed('pos', Topics.InvoiceStatusV1).has('WRITE')).toBe(false);
  });

  it('let only onboarding write the settings every service trusts', () => {
    const writers = aclPlan()
      .filter((a) => a.name === Topics.IntegrationConfigV1 && a.operations.includes('WRITE'))
      .map((a) => a.principal);
    expect(writers).toEqual(['onboarding']);
  });
});
