import { Topics } from '@pos-tripletex/contracts';
import { Outbox, OutgoingEvent } from '@pos-tripletex/messaging';
import { EntityManager } from 'typeorm';
import { anIntegration } from '../../test/support/integration.builder';
import { IntegrationEntity } from './entities/integration.entity';
import { IntegrationStatuses } from './integration-status';
import { IntegrationPublisher } from './integration.publisher';

/** The outbox as a list: what the publisher hands it is what the relay would publish. */
class RecordingOutbox {
  readonly events: OutgoingEvent[] = [];
  add(_tx: EntityManager, ...events: OutgoingEvent[]): Promise<void> {
    this.events.push(...events);
    return Promise.resolve();
  }
}

async function publish(integration: IntegrationEntity, correlationId?: string) {
  const outbox = new RecordingOutbox();
  await new IntegrationPublisher(outbox as unknown as Outbox).publish(
    {} as EntityManager,
    integration,
    correlationId,
  );
  const [config, paymentMethod] = outbox.events;
  return { config, paymentMethod, values: outbox.events.map((event) => event.value as any) };
}

describe(IntegrationPublisher.name, () => {
  it('publishes the next version of the settings and of the Invoice method, keyed by company', async () => {
    const integration = anIntegration({ configVersion: 3 });
    const { config, paymentMethod, values } = await publish(integration, 'req-1');
    expect(integration.configVersion).toBe(4);
    expect([config.topic, paymentMethod.topic]).toEqual([
      Topics.IntegrationConfigV1,
      Topics.InvoicePaymentMethodV1,
    ]);
    expect([config.key, paymentMethod.key]).toEqual(['co_1', 'co_1']);
    expect(values.map((value) => value.version)).toEqual([4, 4]);
    expect(config.headers).toEqual({
      'event-type': Topics.IntegrationConfigV1,
      producer: 'onboarding',
      'correlation-id': 'req-1',
    });
  });

  it('carries the sealed token, and only the accounts actually chosen', async () => {
    const { values } = await publish(
      anIntegration({
        paymentMethods: [
          { paymentMethodId: 'cash', name: 'Kontant', accountId: 11, accountNumber: 1900 },
          { paymentMethodId: 'vipps', name: 'Vipps', accountId: null, accountNumber: null },
        ],
        otherEvents: [{ event: 'GIFT_CARDS_SOLD', accountId: null, accountNumber: null }],
      }),
    );
    expect(values[0]).toMatchObject({
      status: 'ACTIVE',
      tripletex: { companyId: 1001, employeeToken: { keyId: 'test1', value: 'sealed-token' } },
      mappings: {
        paymentMethods: [{ paymentMethodId: 'cash', accountId: 11, accountNumber: 1900 }],
        productGroups: [
          { productGroupId: 'food', takeaway: false, vatRate: 25, accountId: 21 },
          { productGroupId: 'food', takeaway: true, vatRate: 15, accountId: 22 },
        ],
        otherEvents: [],
      },
    });
  });

  it('carries each location with its department, and none when no locations are declared', async () => {
    const { values } = await publish(
      anIntegration({
        locations: [
          {
            locationId: 'storgata',
            name: 'Storgata',
            departmentId: 501,
            departmentNumber: '1',
            departmentName: 'Storgata',
          },
          {
            locationId: 'bryggen',
            name: null,
            departmentId: 502,
            departmentNumber: null,
            departmentName: null,
          },
        ],
      }),
    );
    expect(values[0].mappings.locations).toEqual([
      {
        locationId: 'storgata',
        departmentId: 501,
        departmentNumber: '1',
        departmentName: 'Storgata',
      },
      { locationId: 'bryggen', departmentId: 502 },
    ]);
    expect((await publish(anIntegration())).values[0].mappings.locations).toEqual([]);
  });

  it('publishes a draft as INACTIVE and an inactive integration without its token', async () => {
    const draft = await publish(anIntegration({ status: IntegrationStatuses.ONBOARDING }));
    expect(draft.values[0].status).toBe('INACTIVE');
    expect(draft.values[0].tripletex.employeeToken).toBeUndefined();
    const inactive = await publish(anIntegration({ status: IntegrationStatuses.INACTIVE }));
    expect(inactive.values[0].tripletex.employeeToken).toBeUndefined();
    expect(inactive.values[1]).toMatchObject({
      enabled: false,
      collective: false,
      reason: 'the Tripletex integration is not active',
    });
  });

  it('offers the Invoice method only while active with invoicing on, and says why not', async () => {
    const on = {
      enabled: true,
      sendToCustomer: true,
      collective: { enabled: true, cadence: 'WEEKLY' as const },
    };
    expect((await publish(anIntegration({ invoicing: on }))).values[1]).toMatchObject({
      enabled: true,
      collective: true,
    });
    expect((await publish(anIntegration())).values[1]).toMatchObject({
      enabled: false,
      reason: 'invoicing through Tripletex is turned off',
    });
    const attention = await publish(
      anIntegration({
        invoicing: on,
        status: IntegrationStatuses.NEEDS_ATTENTION,
        statusReason: 'the token was deleted',
      }),
    );
    expect(attention.values[1]).toMatchObject({
      enabled: false,
      reason: 'the Tripletex integration needs attention: the token was deleted',
    });
  });
});
