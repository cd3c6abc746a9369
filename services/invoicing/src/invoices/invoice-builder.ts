import type {
  CheckoutCompletedV1,
  CheckoutLineV1,
  IntegrationConfigV1,
} from '@pos-tripletex/contracts';
import {
  kronerFromOre,
  outgoingVatNumber,
  OUTSIDE_VAT_NUMBER,
  type Order,
  type OrderLine,
  type TripletexCompanyClient,
} from '@pos-tripletex/tripletex';
import type { AppError } from '@pos-tripletex/platform';
import { InvoicingErrors } from '../invoicing.errors';
import type { InvoiceRequestEntity } from './entities/invoice-request.entity';

/** The outgoing VAT code (Tripletex number) a line needs: by rate, 5 or 6 at 0 %. */
export const vatCodeOf = (line: CheckoutLineV1): string =>
  outgoingVatNumber(line.vatRate, line.outsideVatLaw) as string;
/** Tips are outside VAT. */
export const TIP_VAT_CODE = OUTSIDE_VAT_NUMBER;

/** øre → kroner with two decimals, exactly (through the decimal text, see libs/tripletex money). */
export const kroner = (ore: number): number => kronerFromOre(ore);

/**
 * Why a checkout cannot become an invoice whatever the settings: a refund that does not name its
 * sale, a gift card (an invoice line books revenue, not the gift-card liability). Checked at intake
 * and again on every attempt (a retried request is checked like a new one).
 */
export function contentRefusal(checkout: CheckoutCompletedV1): AppError | null {
  if (checkout.kind === 'REFUND' && !checkout.refundOf)
    return InvoicingErrors.refundWithoutOriginal();
  if (checkout.lines.some((line) => line.lineType === 'GIFT_CARD'))
    return InvoicingErrors.giftCardOnInvoice();
  return null;
}

/**
 * What a retry looks for: written into the order's invoice comment (which Tripletex shows on the
 * invoice, so it doubles as the receipt reference for the customer).
 */
export function markerOf(checkout: CheckoutCompletedV1): string {
  return `POS-kvittering ${checkout.receiptNumber} (ref ${checkout.eventId})`;
}

/**
 * The Tripletex order for a checkout, amounts VAT-inclusive as the POS priced them: one line per
 * checkout line (count always set: Tripletex defaults it to 0), the discount as its own line so the
 * totals match the checkout to the øre, and the tip on a line outside VAT.
 */
export function orderFor(
  checkout: CheckoutCompletedV1,
  customerId: number,
  businessDay: string,
  vatTypeIds: Map<string, number>,
  /** The Tripletex department of the checkout's location, if the company maps one. */
  departmentId?: number,
): Order {
  const vat = (code: string) => {
    const id = vatTypeIds.get(code);
    if (id === undefined) throw new Error(`VAT code ${code} is not resolved`);
    return { id };
  };
  const lines: OrderLine[] = [];
  for (const line of checkout.lines) {
    const vatType = vat(vatCodeOf(line));
    lines.push({
      description: line.description,
      count: line.quantity,
      unitPriceIncludingVatCurrency: kroner(line.unitPriceGross),
      vatType,
    });
    if (line.discountGross > 0) {
      // A sale's discount lowers it; a refunded line's discount (the one given) lowers the refund.
      lines.push({
        description: `Rabatt: ${line.description}`.slice(0, 255),
        count: line.quantity < 0 ? -1 : 1,
        unitPriceIncludingVatCurrency: -kroner(line.discountGross),
        vatType,
      });
    }
  }
  if (checkout.tip !== 0) {
    // A refund's tip is negative: the tip given back.
    lines.push({
      description: 'Tips',
      count: 1,
      unitPriceIncludingVatCurrency: kroner(checkout.tip),
      vatType: vat(TIP_VAT_CODE),
    });
  }
  const comment = checkout.invoice?.comment?.trim();
  return {
    customer: { id: customerId },
    orderDate: businessDay,
    deliveryDate: businessDay,
    ...(departmentId !== undefined ? { department: { id: departmentId } } : {}),
    isPrioritizeAmountsIncludingVat: true,
    reference: checkout.invoice?.reference,
    invoiceComment: comment ? `${comment}\n${markerOf(checkout)}` : markerOf(checkout),
    orderLines: lines,
  };
}

/**
 * The Tripletex order of a request: its checkout's lines with this company's VAT type ids (looked
 * up by number, cached by the client), and the department of the checkout's location when the
 * company maps one. A refund's order has the refunded lines negative (a credit note once invoiced).
 */
export async function tripletexOrder(
  client: TripletexCompanyClient,
  request: Pick<InvoiceRequestEntity, 'checkout' | 'customerId' | 'businessDay'>,
  config: IntegrationConfigV1,
): Promise<Order> {
  const ids = new Map<string, number>();
  for (const code of vatCodesOf(request.checkout)) {
    const vat = await client.outgoingVatType(code);
    if (!vat?.id) throw InvoicingErrors.vatCodeMissing(code);
    ids.set(code, vat.id);
  }
  const department = config.mappings.locations?.find(
    (location) => location.locationId === request.checkout.locationId,
  );
  return orderFor(
    request.checkout,
    request.customerId,
    request.businessDay,
    ids,
    department?.departmentId,
  );
}

/** VAT codes a checkout needs resolved to Tripletex ids. */
export function vatCodesOf(checkout: CheckoutCompletedV1): string[] {
  const codes = new Set(checkout.lines.map(vatCodeOf));
  if (checkout.tip !== 0) codes.add(TIP_VAT_CODE);
  return [...codes];
}

/** The invoice's due date from the customer's terms (days or months), else the company default. */
export function dueDate(
  invoiceDate: string,
  terms: { invoicesDueIn?: number; invoicesDueInType?: string },
  defaultDays: number,
): string {
  const dueIn = terms.invoicesDueIn && terms.invoicesDueIn > 0 ? terms.invoicesDueIn : defaultDays;
  const due = new Date(`${invoiceDate}T12:00:00Z`);
  if (terms.invoicesDueIn && terms.invoicesDueInType === 'MONTHS')
    due.setUTCMonth(due.getUTCMonth() + dueIn);
  else due.setUTCDate(due.getUTCDate() + dueIn);
  return due.toISOString().slice(0, 10);
}
