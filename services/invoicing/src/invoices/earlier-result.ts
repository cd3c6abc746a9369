import { addDays } from '@pos-tripletex/platform';
import type { Invoice, Order, TripletexCompanyClient } from '@pos-tripletex/tripletex';

/** What a retry knows of its request: whose, which day, and the marker its order carries. */
export interface MarkedRequest {
  customerId: number;
  businessDay: string;
  marker: string;
}

/**
 * The order (and, once invoiced, its invoice) an earlier attempt created for a request, found by
 * the marker in the order's invoice comment among the customer's orders of the request's day.
 * A credit note made by `:createCreditNote` (it names the invoice it credits) is never taken for
 * the order's own invoice.
 */
export async function findEarlierOrder(
  client: TripletexCompanyClient,
  request: MarkedRequest,
): Promise<{ order: Order; invoice?: Invoice } | null> {
  const orders = await client.listOrders({
    customerId: String(request.customerId),
    orderDateFrom: request.businessDay,
    orderDateTo: addDays(request.businessDay, 1),
    fields: 'id,number,invoiceComment,isClosed',
  });
  const order = (orders.values ?? []).find((candidate) =>
    (candidate.invoiceComment ?? '').includes(request.marker),
  );
  if (!order) return null;
  if (!order.isClosed) return { order };
  const invoices = await client.listInvoices({
    customerId: String(request.customerId),
    invoiceDateFrom: request.businessDay,
    invoiceDateTo: addDays(request.businessDay, 1),
    fields: 'id,invoiceNumber,kid,amount,isCreditNote,creditedInvoice,orders(id)',
  });
  const invoice = (invoices.values ?? []).find(
    (candidate) =>
      !candidate.creditedInvoice &&
      (candidate.orders ?? []).some((invoiced) => invoiced.id === order.id),
  );
  return { order, invoice };
}
