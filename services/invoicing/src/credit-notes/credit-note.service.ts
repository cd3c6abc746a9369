import { Injectable } from '@nestjs/common';
import { IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { addDays } from '@pos-tripletex/platform';
import { TripletexCompanyClient } from '@pos-tripletex/tripletex';
import {
  InvoiceRequestEntity,
  RequestKinds,
  RequestModes,
  RequestStatuses,
} from '../invoices/entities/invoice-request.entity';
import { Attempt, failedWith, LeaseCheck, RETRY } from '../invoices/invoice-request.outcome';
import { InvoicingErrors } from '../invoicing.errors';

const { PENDING, IN_FLIGHT, INVOICED, CREDITED } = RequestStatuses;

/**
 * Refunds of sales charged by invoice. Tripletex credits whole invoices only, so a credit note is
 * made for the full refund of a sale that has an invoice of its own; partial refunds and refunds
 * of sales on a collective invoice fail with a reason telling the operator to credit them in
 * Tripletex. A retry first checks whether the original invoice is already credited.
 */
@Injectable()
export class CreditNoteService {
  /**
   * `original` is the refunded sale's request (null if it was not charged by invoice here);
   * `lease` is checked right before the credit note is created.
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
    if (original.status === PENDING || original.status === IN_FLIGHT)
      return { status: RETRY, afterMs: 30_000, error: 'the refunded sale is not invoiced yet' };
    if (original.status !== INVOICED || !original.invoiceId)
      return failedWith(InvoicingErrors.originalNotInvoiced());
    if (original.mode === RequestModes.COLLECTIVE)
      return failedWith(InvoicingErrors.collectiveRefund());
    if (-Number(refund.totalGross) !== Number(original.totalGross))
      return failedWith(InvoicingErrors.partialRefund());
    const invoiceId = original.invoiceId;
    if (refund.attempts > 1) {
      const earlier = await this.findEarlier(client, refund, original, invoiceId);
      if (earlier) return earlier;
    }
    lease?.throwIfLost();
    const credit = await client.createCreditNote(invoiceId, refund.businessDay, {
      comment: `Retur: ${refund.marker}`.slice(0, 255),
      sendToCustomer: config.invoicing.sendToCustomer,
    });
    return { status: CREDITED, invoice: credit };
  }

  /** The credit note an earlier attempt made, if the original invoice is credited already. */
  private async findEarlier(
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
