import { Json, toJson } from '@pos-tripletex/platform';
import { IntegrationEntity } from './entities/integration.entity';

/** The record's target for changes to the integration (its settings as a whole). */
export const INTEGRATION_TARGET = 'tripletex';

/**
 * What the audit trail compares before and after a change of the integration: its status, the
 * connection (what Tripletex said about the token – never the token or its ciphertext; null when
 * no token is stored) and every setting. A copy, so later changes to the entity do not touch it.
 */
export function auditedState(integration: IntegrationEntity | null): Json {
  if (!integration) return null;
  return toJson({
    status: integration.status,
    statusReason: integration.statusReason,
    connection: integration.tokenCiphertext
      ? {
          tripletexCompanyId: integration.tripletexCompanyId,
          tripletexCompanyName: integration.tripletexCompanyName,
          organizationNumber: integration.tripletexOrganizationNumber,
          employeeId: integration.tripletexEmployeeId,
          verifiedAt: integration.tokenVerifiedAt,
        }
      : null,
    bankAccountRegistered: integration.bankAccountRegistered,
    startDate: integration.startDate,
    dayCutoffHour: integration.dayCutoffHour,
    salesExport: integration.salesExport,
    paymentMethods: integration.paymentMethods,
    productGroups: integration.productGroups,
    productGroupsTakeaway: integration.productGroupsTakeaway,
    otherEvents: integration.otherEvents,
    locations: integration.locations,
    invoicing: integration.invoicing,
    completedSteps: integration.completedSteps,
    activatedAt: integration.activatedAt,
  });
}
