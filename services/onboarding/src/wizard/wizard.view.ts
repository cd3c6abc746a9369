import {
  IntegrationEntity,
  InvoicingSettings,
  SalesExportSettings,
  WizardStep,
} from '../integrations/entities/integration.entity';
import { IntegrationStatuses } from '../integrations/integration-status';
import { missingSteps } from '../integrations/wizard-progress';
import { Warning } from '../onboarding.errors';

/** What BackOffice sees of an integration: wizard state and settings, never the token. */
export interface IntegrationView {
  companyId: string;
  status: IntegrationEntity['status'];
  statusReason: string | null;
  tripletex: { companyId: number; name: string | null; organizationNumber: string | null } | null;
  tokenStored: boolean;
  tokenVerifiedAt: string | null;
  bankAccountRegistered: boolean;
  completedSteps: WizardStep[];
  /** The first step finishing still needs (never an optional one such as "locations"). */
  nextStep: WizardStep | 'finish' | null;
  startDate: string | null;
  dayCutoffHour: number;
  paymentMethods: IntegrationEntity['paymentMethods'];
  productGroups: IntegrationEntity['productGroups'];
  productGroupsTakeaway: IntegrationEntity['productGroupsTakeaway'];
  otherEvents: IntegrationEntity['otherEvents'];
  /** Each POS location's Tripletex department (optional step "locations"). */
  locations: IntegrationEntity['locations'];
  invoicing: InvoicingSettings;
  salesExport: SalesExportSettings;
  configVersion: number;
  activatedAt: string | null;
}

export interface TokenVerification {
  integration: IntegrationView;
  /** Things the operator should know that do not stop the wizard (e.g. no bank account number). */
  warnings: Warning[];
}

/** The BackOffice view of an integration (the token never leaves; only whether one is stored). */
export function toView(integration: IntegrationEntity): IntegrationView {
  const missing = missingSteps(integration);
  return {
    companyId: integration.companyId,
    status: integration.status,
    statusReason: integration.statusReason,
    tripletex:
      integration.tripletexCompanyId === null
        ? null
        : {
            companyId: integration.tripletexCompanyId,
            name: integration.tripletexCompanyName,
            organizationNumber: integration.tripletexOrganizationNumber,
          },
    tokenStored: integration.tokenCiphertext !== null,
    tokenVerifiedAt: integration.tokenVerifiedAt?.toISOString() ?? null,
    bankAccountRegistered: integration.bankAccountRegistered,
    completedSteps: integration.completedSteps,
    nextStep: integration.status === IntegrationStatuses.ACTIVE ? null : (missing[0] ?? 'finish'),
    startDate: integration.startDate,
    dayCutoffHour: integration.dayCutoffHour,
    paymentMethods: integration.paymentMethods,
    productGroups: integration.productGroups,
    productGroupsTakeaway: integration.productGroupsTakeaway,
    otherEvents: integration.otherEvents,
    locations: integration.locations,
    invoicing: integration.invoicing,
    salesExport: integration.salesExport,
    configVersion: integration.configVersion,
    activatedAt: integration.activatedAt?.toISOString() ?? null,
  };
}
