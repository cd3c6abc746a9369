import { Injectable } from '@nestjs/common';
import {
  IntegrationConfigV1,
  IntegrationStatus,
  InvoicePaymentMethodV1,
  Topics,
} from '@pos-tripletex/contracts';
import { AlertInput, alertEvent, Outbox } from '@pos-tripletex/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { IntegrationEntity } from './entities/integration.entity';
import { IntegrationStatuses, publishedStatus } from './integration-status';

type Published = Omit<IntegrationConfigV1, 'eventId'> & { eventId: string };

/**
 * Publishes a company's settings (integration.config.v1) and whether the POS offers the Invoice
 * payment method (integration.invoice-payment-method.v1), through the transactional outbox: they
 * commit with the change they describe. The employee token travels only as ciphertext (same key
 * ring as at rest, bound to the companyId); an inactive integration carries no token at all.
 * Only IntegrationLifecycle calls it, inside its transitions' transactions.
 */
@Injectable()
export class IntegrationPublisher {
  constructor(private readonly outbox: Outbox) {}

  /** Bumps `configVersion` and adds both events to the outbox in `tx`. */
  async publish(
    tx: EntityManager,
    integration: IntegrationEntity,
    correlationId?: string,
  ): Promise<void> {
    integration.configVersion += 1;
    const status = publishedStatus(integration.status);
    const changedAt = new Date().toISOString();
    const config: Published = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: integration.companyId,
      version: integration.configVersion,
      status,
      statusReason: integration.statusReason ?? undefined,
      changedAt,
      startDate: integration.startDate,
      dayCutoffHour: integration.dayCutoffHour,
      tripletex:
        integration.tripletexCompanyId === null
          ? undefined
          : {
              companyId: integration.tripletexCompanyId,
              employeeToken:
                status !== IntegrationStatuses.INACTIVE &&
                integration.tokenKeyId &&
                integration.tokenCiphertext
                  ? { keyId: integration.tokenKeyId, value: integration.tokenCiphertext }
                  : undefined,
            },
      mappings: {
        paymentMethods: integration.paymentMethods
          .filter((method) => method.accountId !== null)
          .map((method) => ({
            paymentMethodId: method.paymentMethodId,
            accountId: method.accountId as number,
            accountNumber: method.accountNumber as number,
          })),
        productGroups: [
          ...integration.productGroups.map((group) => ({ ...group, takeaway: false })),
          ...integration.productGroupsTakeaway.map((group) => ({ ...group, takeaway: true })),
        ]
          .filter((group) => group.accountId !== null)
          .map((group) => ({
            productGroupId: group.productGroupId,
            takeaway: group.takeaway,
            vatRate: group.vatRate,
            accountId: group.accountId as number,
            accountNumber: group.accountNumber as number,
          })),
        otherEvents: integration.otherEvents
          .filter((event) => event.accountId !== null)
          .map((event) => ({
            event: event.event,
            accountId: event.accountId as number,
            accountNumber: event.accountNumber as number,
          })),
        locations: integration.locations.map((location) => ({
          locationId: location.locationId,
          departmentId: location.departmentId,
          departmentNumber: location.departmentNumber ?? undefined,
          departmentName: location.departmentName ?? undefined,
        })),
      },
      invoicing: integration.invoicing,
      salesExport: integration.salesExport,
    };
    const invoiceMethodOn = status === IntegrationStatuses.ACTIVE && integration.invoicing.enabled;
    const paymentMethod: InvoicePaymentMethodV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: integration.companyId,
      enabled: invoiceMethodOn,
      collective: invoiceMethodOn && integration.invoicing.collective.enabled,
      reason: invoiceMethodOn ? undefined : this.offReason(integration, status),
      version: integration.configVersion,
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
        key: integration.companyId,
        value: config,
        headers: headers(Topics.IntegrationConfigV1),
      },
      {
        topic: Topics.InvoicePaymentMethodV1,
        key: integration.companyId,
        value: paymentMethod,
        headers: headers(Topics.InvoicePaymentMethodV1),
      },
    );
  }

  /** Alerts about the integration (the token), in the transaction of the change that found them. */
  async alerts(tx: EntityManager, alerts: AlertInput[], correlationId?: string): Promise<void> {
    await this.outbox.add(
      tx,
      ...alerts.map((alert) => alertEvent('onboarding', alert, correlationId)),
    );
  }

  private offReason(integration: IntegrationEntity, status: IntegrationStatus): string {
    if (status === IntegrationStatuses.INACTIVE) return 'the Tripletex integration is not active';
    if (status === IntegrationStatuses.NEEDS_ATTENTION)
      return `the Tripletex integration needs attention: ${integration.statusReason ?? ''}`.trim();
    return 'invoicing through Tripletex is turned off';
  }
}
