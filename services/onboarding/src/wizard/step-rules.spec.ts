import { AppError } from '@pos-tripletex/platform';
import { anIntegration } from '../../test/support/integration.builder';
import { IntegrationStatuses } from '../integrations/integration-status';
import {
  completenessProblems,
  refuseAccountForInvoiceMethod,
  refuseDuplicates,
  refuseStartDateInFuture,
} from './step-rules';

function refusal(run: () => void): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('the wizard step rules', () => {
  it('takes a start date up to today and refuses one after it', () => {
    expect(() => refuseStartDateInFuture('2026-11-01', '2026-11-01')).not.toThrow();
    expect(() => refuseStartDateInFuture('2026-10-31', '2026-11-01')).not.toThrow();
    const error = refusal(() => refuseStartDateInFuture('2026-11-02', '2026-11-01'));
    expect(error).toMatchObject({
      code: 'ONBOARDING.START_DATE_IN_FUTURE',
      httpStatus: 400,
      message: 'The start date cannot be after today (2026-11-01).',
    });
  });

  it('refuses an account for the Invoice payment method, naming each such method', () => {
    expect(() =>
      refuseAccountForInvoiceMethod([
        { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
        { paymentMethodId: 'card', name: 'Kort', method: 'CARD', accountId: 5 },
      ]),
    ).not.toThrow();
    const error = refusal(() =>
      refuseAccountForInvoiceMethod([
        { paymentMethodId: 'inv', name: 'Faktura', method: 'INVOICE', accountId: 5 },
      ]),
    );
    expect(error).toMatchObject({
      code: 'ONBOARDING.INVOICE_METHOD_NEEDS_NO_ACCOUNT',
      httpStatus: 422,
      details: {
        problems: [
          {
            step: 'payment-methods',
            posId: 'inv',
            code: 'INVOICE_METHOD',
            message: 'Leave the Invoice method without an account.',
          },
        ],
      },
    });
  });

  it('refuses a POS item mapped twice in a step, naming it', () => {
    expect(() => refuseDuplicates('product-groups', ['food', 'beer'])).not.toThrow();
    const error = refusal(() => refuseDuplicates('product-groups', ['food', 'beer', 'food']));
    expect(error).toMatchObject({
      code: 'ONBOARDING.DUPLICATE',
      message: 'Each POS item may be mapped once; food appears more than once.',
      details: {
        problems: [{ step: 'product-groups', posId: 'food', code: 'DUPLICATE' }],
      },
    });
  });

  it('takes a product group once per VAT rate, and refuses the same group at the same rate twice', () => {
    const groups = ['drinks', 'drinks'];
    expect(() =>
      refuseDuplicates('product-groups-takeaway', groups, ['drinks at 25 %', 'drinks at 15 %']),
    ).not.toThrow();
    expect(
      refusal(() =>
        refuseDuplicates('product-groups-takeaway', groups, ['drinks at 25 %', 'drinks at 25 %']),
      ),
    ).toMatchObject({
      message: 'Each POS item may be mapped once; drinks at 25 % appears more than once.',
      details: { problems: [{ posId: 'drinks', code: 'DUPLICATE' }] },
    });
  });

  it('finds nothing missing in a wizard with every step done and something mapped', () => {
    expect(completenessProblems(anIntegration({ status: IntegrationStatuses.ONBOARDING }))).toEqual(
      [],
    );
  });

  it('names every step not done, in wizard order', () => {
    const problems = completenessProblems(
      anIntegration({
        status: IntegrationStatuses.ONBOARDING,
        completedSteps: ['token', 'start-date', 'product-groups', 'other-events'],
      }),
    );
    expect(problems.map((problem) => [problem.step, problem.code])).toEqual([
      ['payment-methods', 'STEP_NOT_DONE'],
      ['product-groups-takeaway', 'STEP_NOT_DONE'],
      ['invoicing', 'STEP_NOT_DONE'],
    ]);
    expect(problems[0].message).toBe('Complete the step "payment-methods".');
  });

  it('wants at least one payment method and one product group (eat-in or takeaway) mapped', () => {
    const problems = completenessProblems(
      anIntegration({ paymentMethods: [], productGroups: [], productGroupsTakeaway: [] }),
    );
    expect(problems).toEqual([
      { step: 'payment-methods', code: 'NONE', message: 'Map at least one payment method.' },
      { step: 'product-groups', code: 'NONE', message: 'Map at least one product group.' },
    ]);
    expect(completenessProblems(anIntegration({ productGroups: [] }))).toEqual([]);
  });

  it('does not count the Invoice method as a mapped payment method (it takes no account)', () => {
    const invoiceOnly = anIntegration({
      paymentMethods: [
        {
          paymentMethodId: 'invoice',
          name: 'Faktura',
          method: 'INVOICE',
          accountId: null,
          accountNumber: null,
        },
      ],
    });
    expect(completenessProblems(invoiceOnly)).toEqual([
      { step: 'payment-methods', code: 'NONE', message: 'Map at least one payment method.' },
    ]);
  });
});
