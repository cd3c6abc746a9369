import {
  DEFAULT_INVOICING,
  DEFAULT_SALES_EXPORT,
  IntegrationEntity,
  WIZARD_STEPS,
} from '../../src/integrations/entities/integration.entity';
import { IntegrationStatuses } from '../../src/integrations/integration-status';

/** An integration row as the lifecycle leaves it: by default a finished, active one. */
export function anIntegration(overrides: Partial<IntegrationEntity> = {}): IntegrationEntity {
  return Object.assign(new IntegrationEntity(), {
    companyId: 'co_1',
    status: IntegrationStatuses.ACTIVE,
    statusReason: null,
    tripletexCompanyId: 1001,
    tripletexCompanyName: 'Restaurant co_1',
    tripletexOrganizationNumber: '999888777',
    tripletexEmployeeId: 7,
    tokenKeyId: 'test1',
    tokenCiphertext: 'sealed-token',
    tokenVerifiedAt: new Date('2026-11-02T08:00:00Z'),
    bankAccountRegistered: true,
    startDate: '2026-11-01',
    dayCutoffHour: 4,
    paymentMethods: [
      { paymentMethodId: 'cash', name: 'Kontant', accountId: 11, accountNumber: 1900 },
    ],
    productGroups: [
      { productGroupId: 'food', name: 'Mat', vatRate: 25, accountId: 21, accountNumber: 3000 },
    ],
    productGroupsTakeaway: [
      { productGroupId: 'food', name: 'Mat', vatRate: 15, accountId: 22, accountNumber: 3001 },
    ],
    otherEvents: [{ event: 'TIPS', accountId: 31, accountNumber: 2910 }],
    locations: [],
    invoicing: DEFAULT_INVOICING,
    salesExport: DEFAULT_SALES_EXPORT,
    completedSteps: [...WIZARD_STEPS],
    configVersion: 1,
    activatedAt: new Date('2026-11-02T08:05:00Z'),
    reverifyRequestedAt: null,
    ...overrides,
  });
}
