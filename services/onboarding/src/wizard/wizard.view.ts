import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INVOICE_SEND_TYPES, type InvoiceSendType } from '@pos-tripletex/contracts';
import {
  IntegrationEntity,
  InvoicingSettings,
  LocationMapping,
  OtherEventMapping,
  PAYMENT_METHOD_KINDS,
  PaymentMethodKind,
  PaymentMethodMapping,
  ProductGroupMapping,
  SalesExportSettings,
  WIZARD_STEPS,
  WizardStep,
} from '../integrations/entities/integration.entity';
import { IntegrationStatuses } from '../integrations/integration-status';
import { missingSteps } from '../integrations/wizard-progress';
import { Warning } from '../onboarding.errors';

const STATUSES = Object.values(IntegrationStatuses);
const ACCOUNT_ID = { type: 'integer', nullable: true, example: 1000123 } as const;
const ACCOUNT_NUMBER = {
  type: 'integer',
  nullable: true,
  example: 1920,
  description: 'The account number, read from Tripletex when the step was saved.',
} as const;

/** The Tripletex company the token belongs to. */
export class TripletexCompanyView {
  @ApiProperty({ type: 'integer', example: 1234567 })
  companyId!: number;

  @ApiProperty({ type: String, nullable: true, example: 'Restaurant Storgata AS' })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '987654321' })
  organizationNumber!: string | null;
}

export class PaymentMethodMappingView implements PaymentMethodMapping {
  @ApiProperty({ example: 'card' })
  paymentMethodId!: string;

  @ApiProperty({ example: 'Bankkort' })
  name!: string;

  @ApiProperty({
    enum: PAYMENT_METHOD_KINDS,
    enumName: 'PaymentMethodKind',
    nullable: true,
    example: 'CARD',
    description: 'As written; null when it was not given.',
  })
  method!: PaymentMethodKind | null;

  @ApiProperty({ ...ACCOUNT_ID, description: 'null: not chosen (always for INVOICE).' })
  accountId!: number | null;

  @ApiProperty(ACCOUNT_NUMBER)
  accountNumber!: number | null;
}

export class ProductGroupMappingView implements ProductGroupMapping {
  @ApiProperty({ example: 'food' })
  productGroupId!: string;

  @ApiProperty({ example: 'Mat' })
  name!: string;

  @ApiProperty({ enum: [25, 15, 12, 0], enumName: 'VatRate', example: 25 })
  vatRate!: 25 | 15 | 12 | 0;

  @ApiProperty(ACCOUNT_ID)
  accountId!: number | null;

  @ApiProperty(ACCOUNT_NUMBER)
  accountNumber!: number | null;
}

export class OtherEventMappingView implements OtherEventMapping {
  @ApiProperty({
    enum: ['TIPS', 'ROUNDING', 'CASH_DIFFERENCE', 'GIFT_CARDS_SOLD'],
    enumName: 'OtherEvent',
    example: 'TIPS',
  })
  event!: OtherEventMapping['event'];

  @ApiProperty({ ...ACCOUNT_ID, description: 'null: the business has none of these.' })
  accountId!: number | null;

  @ApiProperty(ACCOUNT_NUMBER)
  accountNumber!: number | null;
}

export class LocationMappingView implements LocationMapping {
  @ApiProperty({ example: 'storgata' })
  locationId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Storgata' })
  name!: string | null;

  @ApiProperty({ type: 'integer', example: 1000789 })
  departmentId!: number;

  @ApiProperty({ type: String, nullable: true, example: '2' })
  departmentNumber!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Storgata' })
  departmentName!: string | null;
}

export class CollectiveInvoicingView {
  @ApiProperty({ example: false })
  enabled!: boolean;

  @ApiProperty({
    enum: ['WEEKLY', 'MONTHLY', 'ON_DEMAND'],
    enumName: 'CollectiveCadence',
    example: 'MONTHLY',
  })
  cadence!: InvoicingSettings['collective']['cadence'];
}

export class InvoicingSettingsView implements InvoicingSettings {
  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ example: true })
  sendToCustomer!: boolean;

  @ApiPropertyOptional({
    enum: INVOICE_SEND_TYPES,
    enumName: 'InvoiceSendType',
    description: "Absent: each customer's send method in Tripletex.",
  })
  sendType?: InvoiceSendType;

  @ApiProperty({ type: CollectiveInvoicingView })
  collective!: CollectiveInvoicingView;
}

export class SalesExportSettingsView implements SalesExportSettings {
  @ApiProperty({ example: true })
  sendToLedger!: boolean;

  @ApiProperty({ type: 'integer', example: 30 })
  graceMinutes!: number;
}

/** What BackOffice sees of an integration: wizard state and settings, never the token. */
export class IntegrationView {
  @ApiProperty({ example: 'acme-42' })
  companyId!: string;

  @ApiProperty({ enum: STATUSES, enumName: 'IntegrationStatus', example: 'ONBOARDING' })
  status!: IntegrationEntity['status'];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it needs attention (or was deactivated), in plain words.',
  })
  statusReason!: string | null;

  @ApiProperty({ type: TripletexCompanyView, nullable: true })
  tripletex!: TripletexCompanyView | null;

  @ApiProperty({ description: 'Whether an employee token is stored (it is never returned).' })
  tokenStored!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  tokenVerifiedAt!: string | null;

  @ApiProperty({ description: 'Whether Tripletex has a bank account number (invoicing needs it).' })
  bankAccountRegistered!: boolean;

  @ApiProperty({
    enum: WIZARD_STEPS,
    enumName: 'WizardStep',
    isArray: true,
    example: ['token', 'start-date'],
  })
  completedSteps!: WizardStep[];

  @ApiProperty({
    enum: [...WIZARD_STEPS, 'finish'],
    enumName: 'NextStep',
    nullable: true,
    example: 'payment-methods',
    description:
      'The first step finishing still needs (never an optional one such as "locations"); finish: all done; null: active.',
  })
  nextStep!: WizardStep | 'finish' | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-11-01' })
  startDate!: string | null;

  @ApiProperty({ type: 'integer', example: 4 })
  dayCutoffHour!: number;

  @ApiProperty({ type: [PaymentMethodMappingView] })
  paymentMethods!: PaymentMethodMappingView[];

  @ApiProperty({ type: [ProductGroupMappingView] })
  productGroups!: ProductGroupMappingView[];

  @ApiProperty({ type: [ProductGroupMappingView] })
  productGroupsTakeaway!: ProductGroupMappingView[];

  @ApiProperty({ type: [OtherEventMappingView] })
  otherEvents!: OtherEventMappingView[];

  @ApiProperty({
    type: [LocationMappingView],
    description: 'Each POS location\'s Tripletex department (optional step "locations").',
  })
  locations!: LocationMappingView[];

  @ApiProperty({ type: InvoicingSettingsView })
  invoicing!: InvoicingSettingsView;

  @ApiProperty({ type: SalesExportSettingsView })
  salesExport!: SalesExportSettingsView;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'integration.config.v1 version last published; 0: never.',
  })
  configVersion!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  activatedAt!: string | null;
}

/** Something the operator should know that does not stop the wizard. */
export class WarningView implements Warning {
  @ApiProperty({ example: 'NO_BANK_ACCOUNT' })
  code!: string;

  @ApiProperty({
    example:
      "Invoices can't be generated until a bank account number is registered in Tripletex (Accounting → Chart of accounts → 1920 Bankinnskudd). Register it and try again.",
  })
  message!: string;
}

export class TokenVerification {
  @ApiProperty({ type: IntegrationView })
  integration!: IntegrationView;

  @ApiProperty({
    type: [WarningView],
    description:
      'Things the operator should know that do not stop the wizard (e.g. no bank account number).',
  })
  warnings!: WarningView[];
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
    // Saved before kinds were kept: the kind is unknown.
    paymentMethods: integration.paymentMethods.map((method) => ({
      ...method,
      method: method.method ?? null,
    })),
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
