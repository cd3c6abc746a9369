import { anIntegration } from '../../test/support/integration.builder';
import { IntegrationStatuses } from '../integrations/integration-status';
import { toView } from './wizard.view';

describe(toView.name, () => {
  it('shows whether a token is stored, never the token itself', () => {
    const view = toView(anIntegration({ tokenCiphertext: 'sealed-secret', tokenKeyId: 'k1' }));
    expect(view.tokenStored).toBe(true);
    expect(JSON.stringify(view)).not.toContain('sealed-secret');
    expect(JSON.stringify(view)).not.toContain('k1');
    expect(toView(anIntegration({ tokenCiphertext: null })).tokenStored).toBe(false);
  });

  it('points a draft at its first step not done, in wizard order', () => {
    const view = toView(
      anIntegration({
        status: IntegrationStatuses.ONBOARDING,
        completedSteps: ['token', 'payment-methods'],
      }),
    );
    expect(view.nextStep).toBe('start-date');
  });

  it('points a draft with every step done at finish', () => {
    expect(toView(anIntegration({ status: IntegrationStatuses.ONBOARDING })).nextStep).toBe(
      'finish',
    );
  });

  it('never points at the optional locations step, and shows the locations saved', () => {
    const locations = [
      {
        locationId: 'storgata',
        name: 'Storgata',
        departmentId: 501,
        departmentNumber: '1',
        departmentName: 'Storgata',
      },
    ];
    const view = toView(
      anIntegration({
        status: IntegrationStatuses.ONBOARDING,
        completedSteps: [
          'token',
          'start-date',
          'payment-methods',
          'product-groups',
          'product-groups-takeaway',
          'other-events',
          'invoicing',
        ],
        locations,
      }),
    );
    expect(view.nextStep).toBe('finish');
    expect(view.locations).toEqual(locations);
  });

  it('has no next step once active, and one again when the integration needs attention', () => {
    expect(toView(anIntegration()).nextStep).toBeNull();
    expect(
      toView(
        anIntegration({
          status: IntegrationStatuses.NEEDS_ATTENTION,
          completedSteps: ['start-date', 'payment-methods'],
        }),
      ).nextStep,
    ).toBe('token');
  });

  it('names the Tripletex company once a token was verified, and gives times as RFC 3339', () => {
    const view = toView(anIntegration());
    expect(view.tripletex).toEqual({
      companyId: 1001,
      name: 'Restaurant co_1',
      organizationNumber: '999888777',
    });
    expect(view.tokenVerifiedAt).toBe('2026-11-02T08:00:00.000Z');
    expect(view.activatedAt).toBe('2026-11-02T08:05:00.000Z');
    const fresh = toView(
      anIntegration({ tripletexCompanyId: null, tokenVerifiedAt: null, activatedAt: null }),
    );
    expect(fresh).toMatchObject({ tripletex: null, tokenVerifiedAt: null, activatedAt: null });
  });

  it('shows every payment method with its kind, the Invoice one too; one saved without a kind says null', () => {
    const view = toView(
      anIntegration({
        paymentMethods: [
          {
            paymentMethodId: 'card',
            name: 'Bankkort',
            method: 'CARD',
            accountId: 7,
            accountNumber: 1921,
          },
          {
            paymentMethodId: 'invoice',
            name: 'Faktura',
            method: 'INVOICE',
            accountId: null,
            accountNumber: null,
          },
          { paymentMethodId: 'old', name: 'Saved before kinds', accountId: 8, accountNumber: 1900 },
        ],
      }),
    );
    expect(view.paymentMethods.map((m) => [m.paymentMethodId, m.method])).toEqual([
      ['card', 'CARD'],
      ['invoice', 'INVOICE'],
      ['old', null],
    ]);
  });
});
