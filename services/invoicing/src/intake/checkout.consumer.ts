import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox, rejectionEvents } from '@pos-tripletex/messaging';
import { InvoiceWorker } from '../invoices/invoice.worker';
import { IntakeService, isInvoiceCheckout } from './intake.service';

/**
 * pos.checkout.completed.v1 in: each checkout paid by invoice once (Inbox), decided by
 * IntakeService; the others are acknowledged once parsed.
 */
@Controller()
export class CheckoutConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly intake: IntakeService,
    private readonly worker: InvoiceWorker,
  ) {}

  @EventPattern(Topics.CheckoutCompletedV1)
  async onCheckout(@Ctx() ctx: KafkaContext): Promise<void> {
    let created = false;
    let companyId: string | undefined;
    await this.inbox.consume(
      ctx,
      Topics.CheckoutCompletedV1,
      async (checkout, tx, message) => {
        companyId = checkout.companyId;
        created = await this.intake.accept(checkout, tx, message);
      },
      // Contract violations are announced by sales-export, which owns the intake; a checkout that
      // only invoicing cannot take (e.g. a value PostgreSQL refuses) is announced from here.
      {
        rejection: rejectionEvents('invoicing', (reason) => reason.code !== 'CONTRACT_VIOLATION'),
        // A checkout delivered again (e.g. its dead-letter record replayed) retries a FAILED request.
        duplicate: async (checkout, tx) => {
          companyId = checkout.companyId;
          created = await this.intake.deliveredAgain(checkout, tx);
        },
        // Most checkouts are not paid by invoice: nothing to do, so no transaction for them (the
        // intake keeps up with the topic instead of spending a commit on each).
        ignore: (checkout) => !isInvoiceCheckout(checkout),
      },
    );
    if (created) this.worker.nudge(companyId);
  }
}
