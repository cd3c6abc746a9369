import type { InvoiceSendType } from '@pos-tripletex/contracts';
import { int64AsNumber } from '@pos-tripletex/platform';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { IntegrationStatuses, IntegrationStatusValue } from '../integration-status';

export const WIZARD_STEPS = [
  'token',
  'start-date',
  'payment-methods',
  'product-groups',
  'product-groups-takeaway',
  'other-events',
  'invoicing',
  'locations',
] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/**
 * Steps the wizard finishes without: a one-location company needs no departments (unless a
 * chosen account requires one, which the finish check refuses on its own).
 */
export const OPTIONAL_STEPS: readonly WizardStep[] = ['locations'];

/** What kind of payment a POS payment method is; INVOICE is charged by a Tripletex invoice. */
export const PAYMENT_METHOD_KINDS = [
  'CASH',
  'CARD',
  'VIPPS',
  'GIFT_CARD',
  'INVOICE',
  'OTHER',
] as const;
export type PaymentMethodKind = (typeof PAYMENT_METHOD_KINDS)[number];

export interface PaymentMethodMapping {
  paymentMethodId: string;
  name: string;
  /** As the operator gave it; null when not given (or saved before kinds were kept). */
  method?: PaymentMethodKind | null;
  /** Always null for the Invoice method (Tripletex books invoiced sales on the invoice). */
  accountId: number | null;
  accountNumber: number | null;
}

export interface ProductGroupMapping {
  productGroupId: string;
  name: string;
  vatRate: 25 | 15 | 12 | 0;
  accountId: number | null;
  accountNumber: number | null;
}

export interface OtherEventMapping {
  event: 'TIPS' | 'ROUNDING' | 'CASH_DIFFERENCE' | 'GIFT_CARDS_SOLD';
  accountId: number | null;
  accountNumber: number | null;
}

/** A POS location and the Tripletex department every posting of its day voucher carries. */
export interface LocationMapping {
  locationId: string;
  name: string | null;
  departmentId: number;
  /** Read from Tripletex when the step was saved (for people reading the settings). */
  departmentNumber: string | null;
  departmentName: string | null;
}

export interface InvoicingSettings {
  enabled: boolean;
  sendToCustomer: boolean;
  /** How sent invoices are delivered; absent: each customer's send method in Tripletex. */
  sendType?: InvoiceSendType;
  collective: { enabled: boolean; cadence: 'WEEKLY' | 'MONTHLY' | 'ON_DEMAND' };
}

/** Invoicing off until the operator turns it on (Tripletex's own sendToCustomer default is true). */
export const DEFAULT_INVOICING: InvoicingSettings = {
  enabled: false,
  sendToCustomer: true,
  collective: { enabled: false, cadence: 'MONTHLY' },
};

export interface SalesExportSettings {
  /** Tripletex `sendToLedger`: false leaves the daily vouchers for a bookkeeper to approve. */
  sendToLedger: boolean;
  /** Minutes after the cut-off a day without a Z-report stays open for late sales. */
  graceMinutes: number;
}

export const DEFAULT_SALES_EXPORT: SalesExportSettings = { sendToLedger: true, graceMinutes: 30 };

/** A company's Tripletex integration: token (encrypted), wizard state, settings, status. */
@Entity({ name: 'integrations' })
@Check(
  'ck_integrations_status',
  `"status" IN (${Object.values(IntegrationStatuses)
    .map((status) => `'${status}'`)
    .join(', ')})`,
)
export class IntegrationEntity {
  /** The BackOffice company (tenant). */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_integrations' })
  companyId!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: IntegrationStatusValue;

  /** Why it needs attention (or was deactivated), in plain words. */
  @Column({ type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  tripletexCompanyId!: number | null;

  @Column({ type: 'text', nullable: true })
  tripletexCompanyName!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  tripletexOrganizationNumber!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: int64AsNumber })
  tripletexEmployeeId!: number | null;

  /** Key id of the key that encrypted the employee token (AES-256-GCM, see SecretBox). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  tokenKeyId!: string | null;

  /** `v2.` + base64url(iv ‖ ciphertext ‖ tag) (SecretBox); never the token itself. */
  @Column({ type: 'text', nullable: true })
  tokenCiphertext!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  tokenVerifiedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  bankAccountRegistered!: boolean;

  @Column({ type: 'date', nullable: true })
  startDate!: string | null;

  @Column({ type: 'integer', default: 4 })
  dayCutoffHour!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  paymentMethods!: PaymentMethodMapping[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  productGroups!: ProductGroupMapping[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  productGroupsTakeaway!: ProductGroupMapping[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  otherEvents!: OtherEventMapping[];

  /** Each POS location's Tripletex department; empty: postings carry no department. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  locations!: LocationMapping[];

  @Column({ type: 'jsonb' })
  invoicing!: InvoicingSettings;

  @Column({ type: 'jsonb' })
  salesExport!: SalesExportSettings;

  /** Wizard steps saved so far (the wizard can be left and resumed). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  completedSteps!: WizardStep[];

  /** integration.config.v1 `version` last published; 0: never. */
  @Column({ type: 'integer', default: 0 })
  configVersion!: number;

  @Column({ type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  /** Set when a service reported that Tripletex refused the token: re-verify soon. */
  @Column({ type: 'timestamptz', nullable: true })
  reverifyRequestedAt!: Date | null;

  /**
   * A re-verification claim holds the company until then (the worker's SQL owns it: never
   * selected, inserted or updated through the entity).
   */
  @Column({ type: 'timestamptz', nullable: true, select: false, insert: false, update: false })
  reverifyLeaseUntil?: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  rowVersion!: number;
}
