import { Controller, Injectable, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { CheckoutCompletedV1, Topics } from '@pos-tripletex/contracts';
import {
  DeadLetterPublisher,
  Inbox,
  ReceivedMessage,
  rejectionEvents,
} from '@pos-tripletex/messaging';
import { businessDayOf } from '@pos-tripletex/platform';
import { EntityManager } from 'typeorm';
import { InvoicingErrors } from '../invoicing.errors';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';
import { markerOf } from './invoice-builder';
import { InvoiceStatusPublisher } from './invoice-status';
import { InvoiceWorker } from './invoice.worker';

/**
 * Takes checkouts paid by invoice off pos.checkout.completed.v1 and records the intent (one row per
 * checkout, in the transaction of the processed-event row); the worker does the Tripletex part.
 * Checkouts of companies whose settings say invoicing is off or the integration inactive are
 * rejected with the reason: a FAILED status event and a dead-letter record, never silently
 * dropped. A company whose settings have not arrived yet is waited for, not rejected.
 */
@Injectable()
export class InvoiceIntake {
  private readonly logger = new Logger(InvoiceIntake.name);

  constructor(
    private readonly settings: CompanySettingsService,
    private readonly statuses: InvoiceStatusPublisher,
    private readonly deadLetters: DeadLetterPublisher,
  ) {}

  /** Returns whether a request was created. */
  async accept(
    checkout: CheckoutCompletedV1,
    tx: EntityManager,
    message: ReceivedMessage,
  ): Promise<boolean> {
    if (!checkout.payments.some((p) => p.method === 'INVOICE') || !checkout.invoice) return false;
    const config = await this.settings.get(checkout.companyId);
    const request = tx.getRepository(InvoiceRequestEntity).create({
      checkoutEventId: checkout.eventId,
      companyId: checkout.companyId,
      kind: checkout.kind === 'REFUND' ? 'CREDIT_NOTE' : 'INVOICE',
      mode: !config ? 'UNDECIDED' : config.invoicing.collective.enabled ? 'COLLECTIVE' : 'SINGLE',
      status: 'PENDING',
      customerId: checkout.invoice.customerId,
      customerName: null,
      receiptNumber: checkout.receiptNumber,
      locationId: checkout.locationId,
      businessDay: businessDayOf(checkout.completedAt, config?.dayCutoffHour ?? 4),
      totalGross: String(checkout.payments.reduce((s, p) => s + p.amount, 0)),
      checkout,
      refundOf: checkout.kind === 'REFUND' ? (checkout.refundOf?.eventId ?? null) : null,
      marker: markerOf(checkout).slice(0, 100),
      attempts: 0,
      nextAttemptAt: new Date(),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    // No settings yet is not a refusal: integration.config.v1 and the checkouts are different
    // topics, so right after onboarding (or while a new instance replays the settings) a sale can
    // arrive first. The worker waits for the settings (see Invoicer.process).
    const refusal = !config
      ? null
      : config.status !== 'ACTIVE'
        ? InvoicingErrors.integrationNotActive()
        : !config.invoicing.enabled
          ? InvoicingErrors.notEnabled()
          : checkout.kind === 'REFUND' && !checkout.refundOf
            ? InvoicingErrors.refundWithoutOriginal()
            : null;
    // One row per checkout: the Inbox already dropped a redelivery of this event for this group.
    await tx
      .getRepository(InvoiceRequestEntity)
      .insert(
        refusal
          ? { ...request, status: 'FAILED', failureCode: refusal.code, lastError: refusal.message }
          : request,
      );
    if (refusal) {
      await this.statuses.publish(
        tx,
        {
          ...request,
          failureCode: refusal.code,
          lastError: refusal.message,
        },
        'FAILED',
      );
      await this.deadLetters.publish(message, { code: refusal.code, message: refusal.message });
      this.logger.warn(
        { companyId: checkout.companyId, checkout: checkout.eventId, code: refusal.code },
        refusal.message,
      );
      return false;
    }
    await this.statuses.publish(tx, request, 'PENDING');
    return true;
  }
}

@Controller()
export class CheckoutConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly intake: InvoiceIntake,
    private readonly worker: InvoiceWorker,
  ) {}

  @EventPattern(Topics.CheckoutCompletedV1)
  async onCheckout(@Ctx() ctx: KafkaContext): Promise<void> {
    let created = false;
    await this.inbox.consume(
      ctx,
      Topics.CheckoutCompletedV1,
      async (checkout, tx, message) => {
        created = await this.intake.accept(checkout, tx, message);
      },
      // Contract violations are announced by sales-export, which owns the intake; a checkout that
      // only invoicing cannot take (e.g. a value PostgreSQL refuses) is announced from here.
      { rejection: rejectionEvents('invoicing', (reason) => reason.code !== 'CONTRACT_VIOLATION') },
    );
    if (created) this.worker.nudge();
  }
}
