/**
 * Which right an API call needs, checked after authentication and before the handler: a call
 * whose session lacks it is answered 403 with Tripletex's envelope (code 9000, "You do not have
 * permission to access this feature.", FACTS (c) 17), never carried out.
 *
 * Only "Advanced Voucher" for `sendToLedger` is in Tripletex's spec; the others are assumptions
 * (the sandbox README lists them): orders and invoices need AUTH_INVOICING, reading customers
 * AUTH_CUSTOMER_INFO, and a webhook subscription the right to read what its events carry.
 */

const ADVANCED_VOUCHER = 'AUTH_ADVANCED_VOUCHER';
const INVOICING = 'AUTH_INVOICING';
const CUSTOMER_INFO = 'AUTH_CUSTOMER_INFO';

/** Creating or changing orders and invoices. */
const INVOICING_OPERATIONS = new Set([
  'Order_post',
  'Order_put',
  'Order_delete',
  'OrderInvoice_invoice',
  'OrderInvoiceMultipleOrders_invoiceMultipleOrders',
  'OrderOrderline_post',
  'OrderOrderlineList_postList',
  'OrderOrderline_put',
  'OrderOrderline_delete',
  'Invoice_post',
  'InvoiceList_postList',
  'InvoiceSend_send',
  'InvoiceCreateCreditNote_createCreditNote',
  'InvoicePayment_payment',
]);

const CUSTOMER_READS = new Set(['Customer_search', 'Customer_get']);

const SUBSCRIBING = new Set([
  'EventSubscription_post',
  'EventSubscription_put',
  'EventSubscriptionList_postList',
  'EventSubscriptionList_putList',
]);

/** The right an event's payload needs (`customer.update` → customers), if any. */
function rightForEvent(event: unknown): string | undefined {
  if (typeof event !== 'string') return undefined;
  const object = event.split('.')[0];
  if (object === 'customer') return CUSTOMER_INFO;
  if (object === 'invoice' || object === 'order') return INVOICING;
  return undefined;
}

/** The rights a call needs (empty: none beyond a session). */
export function requiredEntitlements(
  operationId: string,
  query: Record<string, unknown>,
  body: unknown,
): string[] {
  if (operationId === 'LedgerVoucher_post')
    // sendToLedger defaults to true; only a voucher left for approval needs no Advanced Voucher.
    return query.sendToLedger === false || query.sendToLedger === 'false' ? [] : [ADVANCED_VOUCHER];
  if (INVOICING_OPERATIONS.has(operationId)) return [INVOICING];
  if (CUSTOMER_READS.has(operationId)) return [CUSTOMER_INFO];
  if (SUBSCRIBING.has(operationId)) {
    const subscriptions = Array.isArray(body) ? body : [body];
    const rights = subscriptions
      .map((s) => rightForEvent((s as { event?: unknown } | null)?.event))
      .filter((r): r is string => r !== undefined);
    return [...new Set(rights)];
  }
  return [];
}
