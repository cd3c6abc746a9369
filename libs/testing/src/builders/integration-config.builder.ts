import { randomUUID } from 'node:crypto';

export interface ConfigSpec {
  companyId: string;
  version: number;
  tripletexCompanyId: number;
  /** The employee token sealed for the company (SecretBox.seal(token, SecretBindings.tripletexToken(companyId))). */
  employeeToken: { keyId: string; value: string };
  startDate: string;
  mappings: Record<string, unknown>;
  status?: 'ACTIVE' | 'INACTIVE' | 'NEEDS_ATTENTION';
  dayCutoffHour?: number;
  invoicing?: Record<string, unknown>;
  salesExport?: Record<string, unknown>;
}

/** A valid integration.config.v1 for an onboarded company (what onboarding publishes). */
export function anIntegrationConfig(spec: ConfigSpec): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId: spec.companyId,
    version: spec.version,
    status: spec.status ?? 'ACTIVE',
    changedAt: new Date().toISOString(),
    startDate: spec.startDate,
    dayCutoffHour: spec.dayCutoffHour ?? 4,
    tripletex: { companyId: spec.tripletexCompanyId, employeeToken: spec.employeeToken },
    mappings: spec.mappings,
    invoicing: spec.invoicing ?? {
      enabled: true,
      sendToCustomer: false,
      collective: { enabled: false, cadence: 'ON_DEMAND' },
    },
    salesExport: spec.salesExport ?? { sendToLedger: true, graceMinutes: 30 },
  };
}
