import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox } from '@pos-tripletex/messaging';
import { InvoiceRequestLifecycle } from './invoice-request.lifecycle';
import { InvoiceWorker } from './invoice.worker';
import { InvoicerService } from './invoicer.service';

/**
 * customers.changed.v1 in (customer-sync's mirror of Tripletex): a customer that changed and is
 * active takes up again the requests that failed on it – unknown, inactive, or refused by Tripletex
 * for its data (e.g. an EHF customer without an address). A deleted customer (tombstone) changes
 * nothing here. Any change makes the invoicer read the customer again (its payment terms).
 */
@Controller()
export class CustomerChangedConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly lifecycle: InvoiceRequestLifecycle,
    private readonly worker: InvoiceWorker,
    private readonly invoicer: InvoicerService,
  ) {}

  @EventPattern(Topics.CustomersChangedV1)
  async onCustomerChanged(@Ctx() ctx: KafkaContext): Promise<void> {
    let retried = 0;
    await this.inbox.consume(
      ctx,
      Topics.CustomersChangedV1,
      async (customer, tx) => {
        // Its terms date the next invoice: read it again.
        this.invoicer.customerChanged(customer.companyId, customer.customerId);
        if (customer.isInactive) return;
        const requests = await this.lifecycle.retry(
          tx,
          { companyId: customer.companyId, customerId: customer.customerId, retryOn: 'CUSTOMER' },
          `customer ${customer.name} changed in Tripletex`,
        );
        retried = requests.length;
      },
      { tombstone: () => Promise.resolve() },
    );
    if (retried > 0) this.worker.nudge();
  }
}
