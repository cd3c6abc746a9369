import { SandboxCompany, TestSandbox, uniqueName } from '@pos-tripletex/testing';
import { TripletexClient, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import {
  InvoicingDto,
  OtherEventsDto,
  PaymentMethodsDto,
  ProductGroupsDto,
  StartDateDto,
} from '../../src/wizard/dto/wizard.dto';

/** The account the wizard creates for card clearing (a fresh Tripletex company lacks it). */
export const CARD_CLEARING = { number: 1921, name: 'Kortoppgjør' };

/** The accounts the wizard answers use: a fresh company's chart plus card clearing. */
export const WIZARD_ACCOUNTS = [1900, 1909, 1921, 2910, 3000, 3001, 7740];

/** A BackOffice company and its own fresh Tripletex company in the sandbox (with a bank account). */
export async function aConnectedCompany(
  sandbox: TestSandbox,
  seed: { bankAccountNumber?: string | null; employeeTokenExpiresOn?: string } = {},
): Promise<{ companyId: string; tripletex: SandboxCompany }> {
  const companyId = uniqueName('co');
  const tripletex = await sandbox.createCompany({
    name: `Restaurant ${companyId}`,
    bankAccountNumber: '12345678903',
    ...seed,
  });
  return { companyId, tripletex };
}

/** Calls Tripletex as the company's employee, with the test's own client (not the service's). */
export async function asEmployee<T>(
  sandbox: TestSandbox,
  company: SandboxCompany,
  call: (client: TripletexCompanyClient) => Promise<T>,
): Promise<T> {
  const client = new TripletexClient({
    baseUrl: sandbox.apiUrl,
    consumerToken: sandbox.consumerToken,
  });
  try {
    return await call(client.company({ key: 'test', employeeToken: company.employeeToken }));
  } finally {
    client.close();
  }
}

/** Tripletex account id by account number. */
export async function accountIds(
  sandbox: TestSandbox,
  company: SandboxCompany,
  numbers = WIZARD_ACCOUNTS,
): Promise<Record<number, number>> {
  const page = await asEmployee(sandbox, company, (client) =>
    client.listAccounts({ number: numbers.join(','), fields: 'id,number' }),
  );
  return Object.fromEntries((page.values ?? []).map((account) => [account.number, account.id]));
}

export interface WizardAnswers {
  startDate: StartDateDto;
  paymentMethods: PaymentMethodsDto;
  productGroups: ProductGroupsDto;
  productGroupsTakeaway: ProductGroupsDto;
  otherEvents: OtherEventsDto;
  invoicing: InvoicingDto;
}

/** A restaurant's answers to steps 2–7, with the company's account ids (`accountIds`). */
export function wizardAnswers(ids: Record<number, number>, invoicing = true): WizardAnswers {
  return {
    startDate: { startDate: '2026-11-01', dayCutoffHour: 4 },
    paymentMethods: {
      paymentMethods: [
        { paymentMethodId: 'cash', name: 'Kontant', method: 'CASH', accountId: ids[1900] },
        { paymentMethodId: 'card', name: 'Bankkort', method: 'CARD', accountId: ids[1921] },
        { paymentMethodId: 'vipps', name: 'Vipps', method: 'VIPPS', accountId: ids[1921] },
        { paymentMethodId: 'invoice', name: 'Faktura', method: 'INVOICE', accountId: null },
      ],
    },
    productGroups: {
      productGroups: [
        { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: ids[3000] },
        { productGroupId: 'beer', name: 'Øl', vatRate: 25, accountId: ids[3000] },
      ],
    },
    productGroupsTakeaway: {
      productGroups: [{ productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: ids[3001] }],
    },
    otherEvents: {
      otherEvents: [
        { event: 'TIPS', accountId: ids[2910] },
        { event: 'ROUNDING', accountId: ids[7740] },
        { event: 'CASH_DIFFERENCE', accountId: ids[1909] },
        { event: 'GIFT_CARDS_SOLD', accountId: null },
      ],
    },
    invoicing: { enabled: invoicing, collective: { enabled: invoicing, cadence: 'WEEKLY' } },
  };
}

/** Each answer's route under `/v1/companies/:companyId/tripletex`. */
export const WIZARD_ROUTES: Record<keyof WizardAnswers, string> = {
  startDate: '/start-date',
  paymentMethods: '/payment-methods',
  productGroups: '/product-groups',
  productGroupsTakeaway: '/product-groups-takeaway',
  otherEvents: '/other-events',
  invoicing: '/invoicing',
};
