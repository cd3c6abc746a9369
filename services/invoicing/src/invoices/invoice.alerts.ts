import { AlertKeys } from '@pos-tripletex/contracts';
import type { AlertInput } from '@pos-tripletex/messaging';
import type { InvoiceRequestEntity } from './entities/invoice-request.entity';

type Request = Pick<
  InvoiceRequestEntity,
  'companyId' | 'checkoutEventId' | 'receiptNumber' | 'failureCode' | 'lastError' | 'retryOn'
>;

const RETRIED_WHEN = {
  BANK_ACCOUNT: 'It is retried on its own once a bank account number is registered in Tripletex.',
  CUSTOMER: 'It is retried on its own once the customer is corrected (or activated) in Tripletex.',
  SETTINGS:
    'It is retried on its own once the integration works again (active, invoicing on, a working token).',
} as const;

const details = (request: Request) => ({
  checkoutEventId: request.checkoutEventId,
  receiptNumber: request.receiptNumber.slice(0, 64),
});

/** A request turned FAILED: `invoice-failed:<checkoutEventId>` opens with the reason and the way out. */
export function invoiceFailedAlert(request: Request): AlertInput {
  const way = request.retryOn
    ? RETRIED_WHEN[request.retryOn]
    : `Correct the cause, then retry it (POST /v1/companies/${request.companyId}/invoices/${request.checkoutEventId}/retry).`;
  return {
    companyId: request.companyId,
    alertKey: AlertKeys.invoiceFailed(request.checkoutEventId),
    kind: 'INVOICE_FAILED',
    state: 'OPEN',
    severity: 'CRITICAL',
    title: `The invoice for receipt ${request.receiptNumber} failed`,
    message: `${request.lastError ?? 'The invoice could not be made.'} ${way}`,
    details: { ...details(request), code: request.failureCode?.slice(0, 100) ?? undefined },
  };
}

/** A FAILED request is taken up again (PENDING): its alert resolves; a new failure reopens it. */
export function invoiceRetriedAlert(request: Request, why: string): AlertInput {
  return {
    companyId: request.companyId,
    alertKey: AlertKeys.invoiceFailed(request.checkoutEventId),
    kind: 'INVOICE_FAILED',
    state: 'RESOLVED',
    severity: 'CRITICAL',
    title: `The invoice for receipt ${request.receiptNumber} is being made again`,
    message: `Taken up again: ${why}.`,
    details: details(request),
  };
}
