// The medium specs' shared setup (src/**/*.medium-spec.ts): invoicing in-process over its own
// schema, companies in the Tripletex sandbox with their settings applied, checkouts taken in.
import { SecretBindings } from '@pos-tripletex/platform';
import { CompanySettingsService } from '@pos-tripletex/company-settings';
import { parseEvent, Topics } from '@pos-tripletex/contracts';
import { ReceivedMessage } from '@pos-tripletex/messaging';
import {
  aCheckout,
  anIntegrationConfig,
  CheckoutSpec,
  MediumTest,
  SandboxCompany,
  uniqueName,
} from '@pos-tripletex/testing';
import { DataSource } from 'typeorm';
import { CollectiveWorker } from '../src/collective/collective.worker';
import { createDataSource } from '../src/database/setup';
import { IntakeService } from '../src/intake/intake.service';
import { InvoiceRequestEntity } from '../src/invoices/entities/invoice-request.entity';
import { InvoiceRequestsRepository } from '../src/invoices/invoice-requests.repository';
import { InvoiceWorker } from '../src/invoices/invoice.worker';
import { invoicingMappings, invoicingSettings, MAPPED_ACCOUNTS } from './invoicing.builders';

/**
 * invoicing in-process. Its own workers poll rarely (INVOICE_POLL_MS, COLLECTIVE_CHECK_SECONDS);
 * `quiet()` stops them altogether, for specs that claim and record by hand.
 */
export async function startInvoicing(
  schema: string,
  env: Record<string, string> = {},
): Promise<MediumTest> {
  return MediumTest.start({
    schema,
    createDataSource,
    load: () => import('../src/app.module').then((m) => m.AppModule),
    env: { INVOICE_POLL_MS: '60000', COLLECTIVE_CHECK_SECONDS: '86400', ...env },
  });
}

/** Stops the service's own workers (the spec drives the lifecycle itself). */
export async function quiet(medium: MediumTest): Promise<void> {
  await medium.get(InvoiceWorker).onApplicationShutdown();
  await medium.get(CollectiveWorker).onApplicationShutdown();
}

export interface InvoicingCompany {
  companyId: string;
  tripletex: SandboxCompany;
  /** Fjordkanten AS, due in 10 days. */
  customerId: number;
  /** Havbris AS, no terms of its own. */
  otherCustomerId: number;
  /** Blåskjell AS, inactive in Tripletex. */
  inactiveCustomerId: number;
}

let settingsVersion = 0;

/**
 * A company in the sandbox with three customers, and its integration settings applied here as
 * the settings consumer applies them.
 */
export async function aCompany(
  medium: MediumTest,
  options: {
    collective?: boolean;
    invoicing?: boolean;
    sendToCustomer?: boolean;
    bankAccountNumber?: string | null;
    /** Leave the settings out (the checkouts come first). */
    withoutSettings?: boolean;
  } = {},
): Promise<InvoicingCompany> {
  const companyId = uniqueName('co');
  const tripletex = await medium.sandbox.createCompany({
    name: `Faktura ${companyId}`,
    bankAccountNumber:
      options.bankAccountNumber === undefined ? '12345678903' : options.bankAccountNumber,
  });
  const [fjordkanten, havbris, blaaskjell] = await medium.sandbox.addCustomers(
    tripletex.companyId,
    [
      { name: 'Fjordkanten AS', invoicesDueIn: 10 },
      { name: 'Havbris AS' },
      { name: 'Blåskjell AS', isInactive: true },
    ],
  );
  const company = {
    companyId,
    tripletex,
    customerId: fjordkanten.id,
    otherCustomerId: havbris.id,
    inactiveCustomerId: blaaskjell.id,
  };
  if (!options.withoutSettings) await applySettings(medium, company, options);
  return company;
}

/** integration.config.v1 of the company (as onboarding publishes it), applied here. */
export async function applySettings(
  medium: MediumTest,
  company: InvoicingCompany,
  options: {
    collective?: boolean;
    invoicing?: boolean;
    sendToCustomer?: boolean;
    dayCutoffHour?: number;
    status?: 'ACTIVE' | 'NEEDS_ATTENTION' | 'INACTIVE';
    /** Instead of invoicingMappings (the accounts the tests map). */
    mappings?: Record<string, unknown>;
  } = {},
): Promise<void> {
  settingsVersion += 1;
  const parsed = parseEvent(
    Topics.IntegrationConfigV1,
    JSON.stringify(
      anIntegrationConfig({
        companyId: company.companyId,
        version: settingsVersion,
        status: options.status,
        tripletexCompanyId: company.tripletex.companyId,
        employeeToken: medium.box.seal(
          company.tripletex.employeeToken,
          SecretBindings.tripletexToken(company.companyId),
        ),
        startDate: '2026-01-01',
        dayCutoffHour: options.dayCutoffHour,
        mappings:
          options.mappings ??
          invoicingMappings(await medium.sandbox.accountIds(company.tripletex, MAPPED_ACCOUNTS)),
        invoicing: invoicingSettings(options),
      }),
    ),
  );
  if (!parsed.ok) throw new Error(`bad settings: ${JSON.stringify(parsed.problems)}`);
  await medium
    .get(DataSource)
    .transaction((tx) => medium.get(CompanySettingsService).apply(parsed.event, tx));
}

/** A checkout paid by invoice by the company's customer (override anything in `spec`). */
export function anInvoiceCheckout(
  company: InvoicingCompany,
  spec: Partial<CheckoutSpec> = {},
): Record<string, unknown> {
  return aCheckout({
    companyId: company.companyId,
    lines: [{ unitPriceGross: 10_000 }],
    invoice: { customerId: company.customerId },
    ...spec,
  });
}

/**
 * Takes the checkout in as the checkout consumer does (IntakeService, in one transaction) and
 * returns its request, or null if none was made.
 */
export async function takeIn(
  medium: MediumTest,
  checkout: Record<string, unknown>,
): Promise<InvoiceRequestEntity | null> {
  const bytes = Buffer.from(JSON.stringify(checkout));
  const parsed = parseEvent(Topics.CheckoutCompletedV1, bytes);
  if (!parsed.ok) throw new Error(`bad checkout: ${JSON.stringify(parsed.problems)}`);
  const message: ReceivedMessage = {
    topic: Topics.CheckoutCompletedV1,
    partition: 0,
    offset: '0',
    key: Buffer.from(parsed.event.companyId),
    value: bytes,
    headers: {},
    timestamp: String(Date.now()),
    heartbeat: () => Promise.resolve(),
  };
  await medium
    .get(DataSource)
    .transaction((tx) => medium.get(IntakeService).accept(parsed.event, tx, message));
  return medium.get(InvoiceRequestsRepository).find(parsed.event.companyId, parsed.event.eventId);
}

/** What the sandbox holds for the company. */
export const ledgerOf = (medium: MediumTest, company: InvoicingCompany) =>
  medium.sandbox.ledger<{ invoices: any[]; orders: any[] }>(company.tripletex.companyId);

/** The events the service's outbox holds for a topic (sent or not), oldest first. */
export async function outboxEvents(
  medium: MediumTest,
  topic: string,
): Promise<Record<string, any>[]> {
  const rows = await medium.schema.query<{ value: string }>(
    'SELECT value FROM outbox_messages WHERE topic = $1 ORDER BY id',
    [topic],
  );
  return rows.map((row) => JSON.parse(row.value));
}
