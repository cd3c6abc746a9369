import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { addDays } from '@pos-tripletex/platform';
import {
  Invoice,
  OrderLine,
  TripletexCompanyClient,
  TripletexError,
} from '@pos-tripletex/tripletex';
import {
  InvoiceRequestEntity,
  RequestKinds,
  RequestModes,
  RequestStatuses,
} from '../invoices/entities/invoice-request.entity';
import { findEarlierOrder } from '../invoices/earlier-result';
import { tripletexOrder } from '../invoices/invoice-builder';
import { InvoiceRequestLifecycle } from '../invoices/invoice-request.lifecycle';
import { Attempt, failedWith, LeaseCheck, RETRY } from '../invoices/invoice-request.outcome';
import { InvoiceRequestsRepository } from '../invoices/invoice-requests.repository';
import { ProductCatalog } from '../invoices/product-catalog';
import { InvoicingErrors } from '../invoicing.errors';

const { PENDING, IN_FLIGHT, ORDERED, INVOICED, CREDITED } = RequestStatuses;

/** How a credit note reaches the customer: Tripletex's send type, and the e-mail it needs. */
interface Delivery {
  sendType?: string;
  creditNoteEmail?: string;
}

/**
 * Refunds of sales charged by invoice, always within the refund's own company (the original is
 * looked up by the company and the sale's id, never by the id alone):
 * - the sale has its own invoice and this refund gives back all of it (and nothing was credited
 *   before): `:createCreditNote` on that invoice, delivered like the invoice (an e-mail customer's
 *   credit note names the address, or Tripletex would not send it);
 * - any other refund of an invoiced sale (a part of it, a sale on a collective invoice, or after an
 *   earlier partial credit): a negative order with the refunded lines, invoiced at once – a credit
 *   note for that part, its comment naming the original invoice;
 * - a collective sale whose order is not invoiced yet: a full refund deletes the order (the sale
 *   becomes CREDITED: nothing of it is ever invoiced), a partial one adds the refunded lines,
 *   negative, to the order, so the collective invoice carries the net;
 * - refunds of one sale never credit more than it was (INVOICING.REFUND_EXCEEDS_ORIGINAL).
 * Every path looks for an earlier attempt's result first.
 */
@Injectable()
export class CreditNoteService {
  constructor(
    private readonly requests: InvoiceRequestsRepository,
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly products: ProductCatalog,
  ) {}

  /**
   * `original` is the refunded sale's request in the refund's company (null if it was not charged
   * by invoice there); `lease` is checked right before every Tripletex effect.
   */
  async credit(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity | null,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    if (!original || original.kind !== RequestKinds.INVOICE)
      return failedWith(InvoicingErrors.originalUnknown(refund.refundOf));
    if (original.status === CREDITED && original.creditedBy === refund.checkoutEventId)
      return { status: CREDITED, orderId: original.orderId ?? undefined };
    if (original.status === PENDING || original.status === IN_FLIGHT)
      return { status: RETRY, afterMs: 30_000, error: 'the refunded sale is not invoiced yet' };
    if (original.status === ORDERED && original.collectiveRunId !== null)
      return {
        status: RETRY,
        afterMs: 30_000,
        error: 'the refunded sale’s collective invoice is being made',
      };
    if (original.status === CREDITED)
      return failedWith(InvoicingErrors.refundExceedsOriginal(-Number(refund.totalGross), 0));
    if (original.status !== INVOICED && original.status !== ORDERED)
      return failedWith(InvoicingErrors.originalNotInvoiced());
    const others = await this.requests.refundsOf(original, refund.checkoutEventId);
    if (others.inFlight > 0)
      return {
        status: RETRY,
        afterMs: 5_000,
        error: 'another refund of the same sale is being credited',
      };
    const amount = -Number(refund.totalGross);
    const originalTotal = Number(original.totalGross);
    if (others.credited + amount > originalTotal)
      return failedWith(
        InvoicingErrors.refundExceedsOriginal(amount, originalTotal - others.credited),
      );
    const whole = others.credited === 0 && amount === originalTotal;

    if (original.status === ORDERED)
      return whole
        ? this.removeOrder(client, refund, original, lease)
        : this.reduceOrder(client, refund, original, config, lease);
    if (whole && original.mode === RequestModes.SINGLE && original.invoiceId)
      return this.creditWholeInvoice(client, refund, original, original.invoiceId, config, lease);
    return this.creditPart(client, refund, original, config, lease);
  }

  /** `:createCreditNote` on the sale's own invoice (a retry first checks whether it is credited). */
  private async creditWholeInvoice(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity,
    invoiceId: number,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    if (refund.attempts > 1) {
      const earlier = await this.findEarlierCredit(client, refund, original, invoiceId);
      if (earlier) return earlier;
    }
    const delivery = config.invoicing.sendToCustomer
      ? await this.delivery(client, original.customerId)
      : {};
    lease?.throwIfLost();
    const credit = await client.createCreditNote(invoiceId, refund.businessDay, {
      comment: `Retur: kvittering ${refund.receiptNumber}`.slice(0, 255),
      sendToCustomer: config.invoicing.sendToCustomer,
      ...delivery,
    });
    return { status: CREDITED, invoice: credit };
  }

  /**
   * A negative order with the refunded lines, invoiced at once: Tripletex books it as a credit
   * note for that part. Found again by its marker like any invoice's order.
   */
  private async creditPart(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    const found = refund.attempts > 1 ? await findEarlierOrder(client, refund) : null;
    if (found?.invoice)
      return { status: CREDITED, invoice: found.invoice, orderId: found.order.id };
    const send = { sendToCustomer: config.invoicing.sendToCustomer };
    if (found) {
      lease?.throwIfLost();
      const invoice = await client.invoiceOrder(found.order.id as number, refund.businessDay, send);
      return { status: CREDITED, invoice, orderId: found.order.id };
    }
    const order = await tripletexOrder(client, refund, config, this.products);
    if (original.invoiceNumber)
      order.invoiceComment = `Kreditnota for faktura ${original.invoiceNumber}\n${order.invoiceComment ?? ''}`;
    lease?.throwIfLost();
    const invoice: Invoice = await client.postInvoice(
      { invoiceDate: refund.businessDay, invoiceDueDate: refund.businessDay, orders: [order] },
      send,
    );
    return { status: CREDITED, invoice, orderId: invoice.orders?.[0]?.id };
  }

  /**
   * A full refund of a collective sale not invoiced yet: its order is deleted and the sale becomes
   * CREDITED. An order already gone (an earlier attempt deleted it and died) counts as deleted.
   */
  private removeOrder(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    return this.changeOpenOrder(original, async (orderId, tx) => {
      lease?.throwIfLost();
      try {
        await client.deleteOrder(orderId);
      } catch (error) {
        if (!TripletexError.is(error, 'not-found')) throw error;
      }
      await this.lifecycle.cancelledByRefund(tx, original.checkoutEventId, refund);
    });
  }

  /**
   * A partial refund of a collective sale not invoiced yet: the refunded lines, negative, are
   * added to its open order. Each added line names the refund's receipt; a retry adds only the
   * lines an earlier attempt did not (it may have died between two of them).
   */
  private reduceOrder(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity,
    config: IntegrationConfigV1,
    lease?: LeaseCheck,
  ): Promise<Attempt> {
    const tag = `Retur kvittering ${refund.receiptNumber}:`;
    return this.changeOpenOrder(original, async (orderId) => {
      const added = new Map<string, number>();
      if (refund.attempts > 1) {
        const order = await client.getOrder(orderId, 'id,orderLines(description)');
        for (const { description = '' } of order.orderLines ?? [])
          if (description.startsWith(tag))
            added.set(description, (added.get(description) ?? 0) + 1);
      }
      for (const line of await this.refundLines(client, refund, config, tag)) {
        const description = line.description ?? '';
        const already = added.get(description) ?? 0;
        if (already > 0) {
          added.set(description, already - 1);
          continue;
        }
        lease?.throwIfLost();
        await client.postOrderLine({ ...line, order: { id: orderId } });
      }
    });
  }

  /**
   * Changes the open order of a collective sale while the sale's row is locked, so no collective
   * run can take the order meanwhile (planning locks the same rows). A sale no longer open (a run
   * took it just now) is tried again shortly; it is then credited like any invoiced sale.
   */
  private async changeOpenOrder(
    original: InvoiceRequestEntity,
    change: (orderId: number, tx: EntityManager) => Promise<void>,
  ): Promise<Attempt> {
    const orderId = original.orderId;
    if (!orderId) return failedWith(InvoicingErrors.originalNotInvoiced());
    const changed = await this.lifecycle.onOpenOrder(original.checkoutEventId, (tx) =>
      change(orderId, tx),
    );
    if (changed === null)
      return { status: RETRY, afterMs: 5_000, error: 'the refunded sale’s order changed; again' };
    return { status: CREDITED, orderId };
  }

  /** The refund's order lines (negative), each description prefixed with `tag`. */
  private async refundLines(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    config: IntegrationConfigV1,
    tag: string,
  ): Promise<OrderLine[]> {
    const order = await tripletexOrder(client, refund, config, this.products);
    return (order.orderLines ?? []).map((line) => ({
      ...line,
      description: `${tag} ${line.description ?? ''}`.slice(0, 255),
    }));
  }

  /** Tripletex's send type for the customer, and the e-mail an e-mail customer's credit note needs. */
  private async delivery(client: TripletexCompanyClient, customerId: number): Promise<Delivery> {
    const customer = await client.getCustomer(
      customerId,
      'id,invoiceSendMethod,invoiceEmail,email',
    );
    const sendType = customer.invoiceSendMethod ?? 'EMAIL';
    if (sendType !== 'EMAIL') return { sendType };
    const email = customer.invoiceEmail?.trim() || customer.email?.trim();
    return email ? { sendType, creditNoteEmail: email } : { sendType: 'MANUAL' };
  }

  /** The credit note an earlier attempt made, if the original invoice is credited already. */
  private async findEarlierCredit(
    client: TripletexCompanyClient,
    refund: InvoiceRequestEntity,
    original: InvoiceRequestEntity,
    invoiceId: number,
  ): Promise<Attempt | null> {
    const current = await client.getInvoice(invoiceId, 'id,isCredited');
    if (!current.isCredited) return null;
    const invoices = await client.listInvoices({
      customerId: String(original.customerId),
      invoiceDateFrom: refund.businessDay,
      invoiceDateTo: addDays(refund.businessDay, 1),
      fields: 'id,invoiceNumber,kid,amount,creditedInvoice',
    });
    const credit = (invoices.values ?? []).find(
      (candidate) => candidate.creditedInvoice === invoiceId,
    );
    return credit ? { status: CREDITED, invoice: credit } : null;
  }
}
