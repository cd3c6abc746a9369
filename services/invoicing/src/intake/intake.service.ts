import { Injectable, Logger } from '@nestjs/common';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { CheckoutCompletedV1, IntegrationConfigV1 } from '@pos-tripletex/contracts';
import { DeadLetterPublisher, ReceivedMessage } from '@pos-tripletex/messaging';
import { AppError, businessDayOf } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { RequestKinds, RequestModes } from '../invoices/entities/invoice-request.entity';
import { contentRefusal, markerOf } from '../invoices/invoice-builder';
import { InvoiceRequestLifecycle, NewInvoiceRequest } from '../invoices/invoice-request.lifecycle';
import { InvoicingErrors } from '../invoicing.errors';

/** The company's cut-off hour when its settings have not arrived yet. */
const DEFAULT_CUTOFF_HOUR = 4;

/**
 * Which checkouts become invoice requests: those paid by invoice (a refund of one becomes a
 * credit-note request). The intent is recorded in the transaction of the processed-event row; the
 * worker does the Tripletex part. Checkouts of companies whose settings say invoicing is off or
 * the integration inactive are rejected with the reason: a FAILED status event and a dead-letter
 * record, never silently dropped. A company whose settings have not arrived yet is waited for, not
 * rejected.
 */
/** A checkout paid by invoice: the only kind invoicing has anything to do with. */
export function isInvoiceCheckout(checkout: CheckoutCompletedV1): boolean {
  return checkout.payments.some((payment) => payment.method === 'INVOICE');
}

@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly settings: CompanySettingsService,
    private readonly requests: InvoiceRequestLifecycle,
    private readonly deadLetters: DeadLetterPublisher,
  ) {}

  /** Returns whether a request was created (for the worker to take). */
  async accept(
    checkout: CheckoutCompletedV1,
    tx: EntityManager,
    message: ReceivedMessage,
  ): Promise<boolean> {
    if (!isInvoiceCheckout(checkout) || !checkout.invoice) return false;
    // Read in (and share-locked for) the intake's transaction: a settings change waits for it, so
    // its re-dating of unattempted requests sees this one (InvoiceRequestLifecycle.settingsApplied).
    const config =
      (await this.settings.settingsFor([checkout.companyId], tx)).get(checkout.companyId) ?? null;
    const refund = checkout.kind === 'REFUND';
    const request: NewInvoiceRequest = {
      checkoutEventId: checkout.eventId,
      companyId: checkout.companyId,
      kind: refund ? RequestKinds.CREDIT_NOTE : RequestKinds.INVOICE,
      mode: !config
        ? RequestModes.UNDECIDED
        : config.invoicing.collective.enabled
          ? RequestModes.COLLECTIVE
          : RequestModes.SINGLE,
      customerId: checkout.invoice.customerId,
      customerName: null,
      receiptNumber: checkout.receiptNumber,
      locationId: checkout.locationId,
      businessDay: businessDayOf(
        checkout.completedAt,
        config?.dayCutoffHour ?? DEFAULT_CUTOFF_HOUR,
      ),
      totalGross: String(checkout.payments.reduce((sum, payment) => sum + payment.amount, 0)),
      checkout,
      refundOf: refund ? (checkout.refundOf?.eventId ?? null) : null,
      marker: markerOf(checkout),
    };
    const refusal = this.refusal(checkout, config);
    if (refusal) {
      await this.requests.refused(tx, request, refusal);
      await this.deadLetters.publish(message, { code: refusal.code, message: refusal.message });
      this.logger.warn(
        { companyId: checkout.companyId, checkout: checkout.eventId, code: refusal.code },
        refusal.message,
      );
      return false;
    }
    await this.requests.received(tx, request);
    return true;
  }

  /**
   * A checkout already taken in came again: a replayed dead-letter record (or a redelivery). If
   * its request failed, it is taken up again – the cause may be fixed; an attempt checks the
   * settings and the checkout like a new one. Only within the checkout's own company. Returns
   * whether a request became due.
   */
  async deliveredAgain(checkout: CheckoutCompletedV1, tx: EntityManager): Promise<boolean> {
    const retried = await this.requests.retry(
      tx,
      { companyId: checkout.companyId, checkoutEventId: checkout.eventId },
      'its checkout was delivered again (a replayed dead-letter record)',
    );
    return retried.length > 0;
  }

  /**
   * Why the company cannot invoice this checkout, by its settings and by what it holds (the
   * worker checks the same again on every attempt). No settings yet is not a refusal: integration.config.v1 and the checkouts are different topics, so right after
   * onboarding (or while a new instance replays the settings) a sale can arrive first. The worker
   * waits for the settings (see InvoicerService.process).
   */
  private refusal(
    checkout: CheckoutCompletedV1,
    config: IntegrationConfigV1 | null,
  ): AppError | null {
    if (!config) return null;
    // NEEDS_ATTENTION (e.g. a refused token) is not a refusal either: the request waits for the
    // integration to be ACTIVE again (InvoicerService.attempt).
    if (config.status === 'INACTIVE') return InvoicingErrors.integrationNotActive();
    if (!config.invoicing.enabled) return InvoicingErrors.notEnabled();
    return contentRefusal(checkout);
  }
}
