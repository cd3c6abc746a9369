import { invoiceFailedAlert, invoiceRetriedAlert } from './invoice.alerts';

const REQUEST = {
  companyId: 'rest-1',
  checkoutEventId: '00000000-0000-4000-8000-000000000001',
  receiptNumber: 'R-1001',
  failureCode: 'INVOICING.CUSTOMER_INACTIVE',
  lastError: 'The customer Kari Nordmann is inactive in Tripletex.',
  retryOn: 'CUSTOMER' as const,
};

describe('invoice alerts', () => {
  it('opens invoice-failed with Tripletex’s reason and what retries it on its own', () => {
    expect(invoiceFailedAlert(REQUEST)).toEqual({
      companyId: 'rest-1',
      alertKey: 'invoice-failed:00000000-0000-4000-8000-000000000001',
      kind: 'INVOICE_FAILED',
      state: 'OPEN',
      severity: 'CRITICAL',
      title: 'The invoice for receipt R-1001 failed',
      message:
        'The customer Kari Nordmann is inactive in Tripletex. It is retried on its own once the customer is corrected (or activated) in Tripletex.',
      details: {
        checkoutEventId: REQUEST.checkoutEventId,
        receiptNumber: 'R-1001',
        code: 'INVOICING.CUSTOMER_INACTIVE',
      },
    });
  });

  it('tells how to retry a failure nothing retries on its own', () => {
    expect(invoiceFailedAlert({ ...REQUEST, retryOn: null }).message).toBe(
      'The customer Kari Nordmann is inactive in Tripletex. Correct the cause, then retry it ' +
        '(POST /v1/companies/rest-1/invoices/00000000-0000-4000-8000-000000000001/retry).',
    );
  });

  it('resolves the same key when the request is taken up again', () => {
    expect(invoiceRetriedAlert(REQUEST, 'an operator retried it')).toMatchObject({
      alertKey: 'invoice-failed:00000000-0000-4000-8000-000000000001',
      state: 'RESOLVED',
      message: 'Taken up again: an operator retried it.',
    });
  });
});
