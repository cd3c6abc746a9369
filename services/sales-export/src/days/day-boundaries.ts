import type { IntegrationConfigV1 } from '@pos-tripletex/contracts';

/** Cut-off and grace of a company (the defaults until its settings arrive). */
export function dayBoundaries(config: IntegrationConfigV1 | null | undefined) {
  return {
    cutoffHour: config?.dayCutoffHour ?? 4,
    graceMinutes: config?.salesExport?.graceMinutes ?? 30,
  };
}

/**
 * SQL for when a day closes by itself: the next morning's cut-off hour plus the grace period,
 * Europe/Oslo wall time (`timestamp AT TIME ZONE` reads it as Oslo time, DST included).
 */
export const CLOSES_AT_SQL = (day: string, cutoff: string, grace: string) =>
  `((${day} + 1)::timestamp + make_interval(hours => ${cutoff}, mins => ${grace})) AT TIME ZONE 'Europe/Oslo'`;

/**
 * SQL for the business day of a moment: its Europe/Oslo wall time minus the cut-off hour (the
 * same rule as `businessDayOf`, so sales moved by SQL land where new ones are stored).
 */
export const BUSINESS_DAY_SQL = (at: string, cutoff: string) =>
  `(((${at}) AT TIME ZONE 'Europe/Oslo') - make_interval(hours => ${cutoff}))::date`;
