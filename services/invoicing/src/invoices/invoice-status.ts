import { Injectable } from '@nestjs/common';
import { InvoiceStatus, InvoiceStatusV1, Topics } from '@pos-tripletex/contracts';
import { Outbox } from '@pos-tripletex/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { InvoiceRequestEntity } from './entities/invoice-request.entity';

/** invoicing.invoice-status.v1 for a request, through the outbox (commits with the state change). */
@Injectable()
export class InvoiceStatusPublisher {
  constructor(private readonly outbox: Outbox) {}

  async publish(tx: EntityManager, r: InvoiceRequestEntity, status: InvoiceStatus): Promise<void> {
    const event: InvoiceStatusV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: r.companyId,
      checkoutEventId: r.checkoutEventId,
      receiptNumber: r.receiptNumber,
      status,
      invoiceNumber: r.invoiceNumber ?? undefined,
      kid: r.kid ?? undefined,
      amount: r.invoiceAmount === null ? undefined : Number(r.invoiceAmount),
      invoiceId: r.invoiceId ?? undefined,
      orderId: r.orderId ?? undefined,
      code: status === 'FAILED' ? (r.failureCode ?? undefined) : undefined,
      reason: status === 'FAILED' ? (r.lastError ?? undefined) : undefined,
      changedAt: new Date().toISOString(),
    };
    await this.outbox.add(tx, {
      topic: Topics.InvoiceStatusV1,
      key: r.companyId,
      value: event,
      headers: {
        'event-type': Topics.InvoiceStatusV1,
        producer: 'invoicing',
        'causation-id': r.checkoutEventId,
      },
    });
  }
}
