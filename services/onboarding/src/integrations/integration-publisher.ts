import { Injectable } from '@nestjs/common';
import { IntegrationConfigV1, InvoicePaymentMethodV1, Topics } from '@pos-tripletex/contracts';
import { Outbox } from '@pos-tripletex/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { IntegrationEntity } from './entities/integration.entity';

type Published = Omit<IntegrationConfigV1, 'eventId'> & { eventId: string };

/**
 * Publishes a company's settings (integration.config.v1) and whether the POS offers the Invoice
 * payment method (integration.invoice-payment-method.v1), through the transactional outbox: they
 * commit with the change they describe. The employee token travels only as ciphertext (same key
 * ring as at rest, bound to the companyId); an inactive integration carries no token at all.
 */
@Injectable()
export class IntegrationPublisher {
  constructor(private readonly outbox: Outbox) {}

  async publish(tx: EntityManager, i: IntegrationEntity, correlationId?: string): Promise<void> {
    i.configVersion += 1;
    const status = i.status === 'ONBOARDING' ? 'INACTIVE' : i.status;
    const changedAt = new Date().toISOString();
    const config: Published = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: i.companyId,
      version: i.configVersion,
      status,
      statusReason: i.statusReason ?? undefined,
      changedAt,
      startDate: i.startDate,
      dayCutoffHour: i.dayCutoffHour,
      tripletex:
        i.tripletexCompanyId === null
          ? undefined
          : {
              companyId: i.tripletexCompanyId,
              employeeToken:
                status !== 'INACTIVE' && i.tokenKeyId && i.tokenCiphertext
                  ? { keyId: i.tokenKeyId, value: i.tokenCiphertext }
                  : undefined,
            },
      mappings: {
        paymentMethods: i.paymentMethods
          .filter((m) => m.accountId !== null)
          .map((m) => ({
            paymentMethodId: m.paymentMethodId,
            accountId: m.accountId as number,
            accountNumber: m.accountNumber as number,
          })),
        productGroups: [
          ...i.productGroups.map((g) => ({ ...g, takeaway: false })),
          ...i.productGroupsTakeaway.map((g) => ({ ...g, takeaway: true })),
        ]
          .filter((g) => g.accountId !== null)
          .map((g) => ({
            productGroupId: g.productGroupId,
            takeaway: g.takeaway,
            vatRate: g.vatRate,
            accountId: g.accountId as number,
            accountNumber: g.accountNumber as number,
          })),
        otherEvents: i.otherEvents
          .filter((e) => e.accountId !== null)
          .map((e) => ({
            event: e.event,
            accountId: e.accountId as number,
            accountNumber: e.accountNumber as number,
          })),
      },
      invoicing: i.invoicing,
      salesExport: i.salesExport,
    };
    const invoiceMethodOn = status === 'ACTIVE' && i.invoicing.enabled;
    const paymentMethod: InvoicePaymentMethodV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: i.companyId,
      enabled: invoiceMethodOn,
      collective: invoiceMethodOn && i.invoicing.collective.enabled,
      reason: invoiceMethodOn ? undefined : this.offReason(i, status),
      version: i.configVersion,
      changedAt,
    };
    const headers = (type: string) => ({
      'event-type': type,
      producer: 'onboarding',
      ...(correlationId ? { 'correlation-id': correlationId } : {}),
    });
    await this.outbox.add(
      tx,
      {
        topic: Topics.IntegrationConfigV1,
        key: i.companyId,
        value: config,
        headers: headers(Topics.IntegrationConfigV1),
      },
      {
        topic: Topics.InvoicePaymentMethodV1,
        key: i.companyId,
        value: paymentMethod,
        headers: headers(Topics.InvoicePaymentMethodV1),
      },
    );
  }

  private offReason(i: IntegrationEntity, status: string): string {
    if (status === 'INACTIVE') return 'the Tripletex integration is not active';
    if (status === 'NEEDS_ATTENTION')
      return `the Tripletex integration needs attention: ${i.statusReason ?? ''}`.trim();
    return 'invoicing through Tripletex is turned off';
  }
}
