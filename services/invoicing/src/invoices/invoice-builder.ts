import type {
  CheckoutCompletedV1,
  CheckoutLineV1,
  IntegrationConfigV1,
  InvoiceSendType,
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
import { DateTime } from 'luxon';
import { otherEventAccount, productGroupAccount } from '@pos-tripletex/company-settings';
import { InvoicingErrors } from '../invoicing.errors';
import type { InvoiceRequestEntity } from './entities/invoice-request.entity';
import type { ProductCatalog } from './product-catalog';

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
 * What a retry looks for, written into the order's invoice comment – which Tripletex prints on the
 * invoice, so it is what the customer may see: the POS receipt's own key (its number and the
 * location that issued it, unique per customer and day), never an internal id. At most 100
 * characters (the stored marker is the same text).
 */
export function markerOf(checkout: CheckoutCompletedV1): string {
  return `POS-kvittering ${checkout.receiptNumber} (${checkout.locationId})`.slice(0, 100);
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
  /** Tripletex product ids by productKeyOf (and TIPS_PRODUCT): each line is booked on its product. */
  productIds?: Map<string, number>,
): Order {
  const vat = (code: string) => {
    const id = vatTypeIds.get(code);
    if (id === undefined) throw new Error(`VAT code ${code} is not resolved`);
    return { id };
  };
  const product = (key: string) => {
    const id = productIds?.get(key);
    return id === undefined ? {} : { product: { id } };
  };
  const lines: OrderLine[] = [];
  for (const line of checkout.lines) {
    const vatType = vat(vatCodeOf(line));
    const booked = product(productKeyOf(line));
    lines.push({
      ...booked,
      description: line.description,
      count: line.quantity,
      unitPriceIncludingVatCurrency: kroner(line.unitPriceGross),
      vatType,
    });
    if (line.discountGross > 0) {
      // A sale's discount lowers it; a refunded line's discount (the one given) lowers the refund.
      lines.push({
        ...booked,
        description: `Rabatt: ${line.description}`.slice(0, 255),
        count: line.quantity < 0 ? -1 : 1,
        unitPriceIncludingVatCurrency: -kroner(line.discountGross),
        vatType,
      });
    }
  }
  if (checkout.tip !== 0) {
    // A refund's tip is negative: the tip given back. Booked on the tips product (a liability).
    lines.push({
      ...product(TIPS_PRODUCT),
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

/** The key of a line's product: product group, eat-in (E) or takeaway (T), VAT code. */
export const productKeyOf = (line: CheckoutLineV1): string =>
  `${line.productGroupId}-${line.takeaway ? 'T' : 'E'}-${vatCodeOf(line)}`;
/** The key of the tips product (booked on the TIPS account, outside VAT). */
export const TIPS_PRODUCT = 'TIPS';

/**
 * The Tripletex order of a request: its checkout's lines with this company's VAT type ids (looked
 * up by number, cached by the client), each on the product of its group, eat-in/takeaway and VAT
 * code (whose account is the one mapped: ProductCatalog), the tip on the tips product, and the
 * department of the checkout's location when the company maps one. An unmapped group or tip
 * refuses the request (retried when the settings change). A refund's order has the refunded lines
 * negative (a credit note once invoiced).
 */
export async function tripletexOrder(
  client: TripletexCompanyClient,
  request: Pick<InvoiceRequestEntity, 'checkout' | 'customerId' | 'businessDay'>,
  config: IntegrationConfigV1,
  products: ProductCatalog,
): Promise<Order> {
  const ids = new Map<string, number>();
  for (const code of vatCodesOf(request.checkout)) {
    const vat = await client.outgoingVatType(code);
    if (!vat?.id) throw InvoicingErrors.vatCodeMissing(code);
    ids.set(code, vat.id);
  }
  const productIds = new Map<string, number>();
  for (const line of request.checkout.lines) {
    const key = productKeyOf(line);
    if (productIds.has(key)) continue;
    const accountId = productGroupAccount(
      config.mappings,
      line.productGroupId,
      line.takeaway,
      line.vatRate,
    );
    if (accountId === undefined)
      throw InvoicingErrors.productGroupUnmapped(line.productGroupId, line.takeaway, line.vatRate);
    productIds.set(
      key,
      await products.productFor(client, {
        number: `POS-${key}`,
        name: `${line.productGroupId} (${line.takeaway ? 'takeaway' : 'eat-in'}, mva ${vatCodeOf(line)})`,
        vatTypeId: ids.get(vatCodeOf(line)) as number,
        accountId,
      }),
    );
  }
  if (request.checkout.tip !== 0) {
    const accountId = otherEventAccount(config.mappings, 'TIPS');
    if (accountId === undefined) throw InvoicingErrors.tipsUnmapped();
    productIds.set(
      TIPS_PRODUCT,
      await products.productFor(client, {
        number: `POS-${TIPS_PRODUCT}`,
        name: 'Tips',
        vatTypeId: ids.get(TIP_VAT_CODE) as number,
        accountId,
      }),
    );
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
    productIds,
  );
}

/** VAT codes a checkout needs resolved to Tripletex ids. */
export function vatCodesOf(checkout: CheckoutCompletedV1): string[] {
  const codes = new Set(checkout.lines.map(vatCodeOf));
  if (checkout.tip !== 0) codes.add(TIP_VAT_CODE);
  return [...codes];
}

/**
 * How the invoice reaches the customer: not at all unless the company's settings send invoices;
 * then the checkout's own choice (the POS asked), else the company's, else the customer's send
 * method in Tripletex (a business customer's default there is EHF).
 */
export function deliveryOf(
  checkout: CheckoutCompletedV1,
  config: IntegrationConfigV1,
): { sendToCustomer: boolean; sendType?: InvoiceSendType } {
  if (!config.invoicing.sendToCustomer) return { sendToCustomer: false };
  const sendType = checkout.invoice?.sendType ?? config.invoicing.sendType;
  return sendType ? { sendToCustomer: true, sendType } : { sendToCustomer: true };
}

/** A customer's payment terms as Tripletex keeps them (`invoicesDueIn` + `invoicesDueInType`). */
export interface PaymentTerms {
  invoicesDueIn?: number;
  invoicesDueInType?: 'DAYS' | 'MONTHS' | 'RECURRING_DAY_OF_MONTH';
}

/**
 * The due date Tripletex gives an invoice of this customer dated `invoiceDate` – the invoice date
 * plus the customer's days or months – when we can know it for certain; otherwise undefined, and
 * the invoice is made from an order (`PUT /order/{id}/:invoice`) so that Tripletex dates it itself:
 * a fixed day of the month (RECURRING_DAY_OF_MONTH), or a customer without terms of its own (0 or
 * none: the company's default applies).
 */
export function dueDateByTerms(invoiceDate: string, terms: PaymentTerms): string | undefined {
  const dueIn = terms.invoicesDueIn;
  if (typeof dueIn !== 'number' || !Number.isInteger(dueIn) || dueIn <= 0) return undefined;
  const unit =
    terms.invoicesDueInType === 'DAYS'
      ? 'days'
      : terms.invoicesDueInType === 'MONTHS'
        ? 'months'
        : undefined;
  if (!unit) return undefined;
  return (
    DateTime.fromISO(invoiceDate, { zone: 'UTC' })
      .plus({ [unit]: dueIn })
      .toISODate() ?? undefined
  );
}
