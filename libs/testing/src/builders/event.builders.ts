import { randomUUID } from 'node:crypto';

/** A valid pos.day.closed.v1 (Z-report) for a location and business day. */
export function aDayClosed(spec: {
  companyId: string;
  locationId?: string;
  businessDay: string;
  checkoutCount?: number;
  totalGross?: number;
  countedCash?: number;
}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId: spec.companyId,
    locationId: spec.locationId ?? 'oslo-sentrum',
    businessDay: spec.businessDay,
    closedAt: new Date().toISOString(),
    ...(spec.checkoutCount === undefined ? {} : { checkoutCount: spec.checkoutCount }),
    ...(spec.totalGross === undefined ? {} : { totalGross: spec.totalGross }),
    ...(spec.countedCash === undefined ? {} : { countedCash: spec.countedCash }),
  };
}

/** A valid integration.tripletex-auth-failed.v1. */
export function anAuthFailed(companyId: string, service = 'invoicing'): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId,
    service,
    message: 'Tripletex answered 401',
    failedAt: new Date().toISOString(),
  };
}

/** A valid integration.alerts.v1: an OPEN, CRITICAL DAY_UNMAPPED alert unless `over` says otherwise. */
export function anAlert(
  companyId: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId,
    alertKey: 'day-unmapped:oslo:2026-11-24',
    kind: 'DAY_UNMAPPED',
    state: 'OPEN',
    severity: 'CRITICAL',
    title: 'Day 2026-11-24 at oslo cannot be posted: something is not mapped',
    message: 'Map product group food (eat-in, 25 % VAT) to an account.',
    details: { locationId: 'oslo', businessDay: '2026-11-24' },
    source: 'sales-export',
    occurredAt: new Date().toISOString(),
    ...over,
  };
}

/** A valid, minimal integration.config.v1 (an inactive company without a token). */
export function aMinimalConfig(companyId: string, version = 1): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    companyId,
    version,
    status: 'INACTIVE',
    changedAt: new Date().toISOString(),
    mappings: { paymentMethods: [], productGroups: [], otherEvents: [] },
  };
}
