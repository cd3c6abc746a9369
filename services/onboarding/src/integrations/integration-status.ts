import type { IntegrationStatus } from '@pos-tripletex/contracts';

/**
 * An integration's status: the three of integration.config.v1 and ONBOARDING, the wizard's
 * draft, which other services never see (it is published as INACTIVE).
 */
export type IntegrationStatusValue = IntegrationStatus | 'ONBOARDING';

/** The one list of status names: SQL and TS use these, never the string literals. */
export const IntegrationStatuses = {
  ONBOARDING: 'ONBOARDING',
  ACTIVE: 'ACTIVE',
  INACTIVE: 'INACTIVE',
  NEEDS_ATTENTION: 'NEEDS_ATTENTION',
} as const satisfies { [S in IntegrationStatusValue]: S };

/** Live: finished once and not deactivated. Every change of a live integration is published. */
export function isLive(status: IntegrationStatusValue): boolean {
  return status === IntegrationStatuses.ACTIVE || status === IntegrationStatuses.NEEDS_ATTENTION;
}

/** The status integration.config.v1 carries: a draft is not active for anybody else. */
export function publishedStatus(status: IntegrationStatusValue): IntegrationStatus {
  return status === IntegrationStatuses.ONBOARDING ? IntegrationStatuses.INACTIVE : status;
}
