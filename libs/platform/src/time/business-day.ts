import { DateTime } from 'luxon';

export const BUSINESS_TIME_ZONE = 'Europe/Oslo';

/**
 * The business day (YYYY-MM-DD, Europe/Oslo) a moment belongs to: sales before the cut-off hour
 * belong to the day before (a bar open until 02:00 books them on the evening they started).
 */
export function businessDayOf(completedAt: string, cutoffHour = 0): string {
  const local = DateTime.fromISO(completedAt, { setZone: true }).setZone(BUSINESS_TIME_ZONE);
  if (!local.isValid) throw new Error(`not a date-time: ${completedAt}`);
  // Wall-clock time, not elapsed hours: on the nights the clocks change, 04:30 is after a 04:00
  // cut-off although only three (or five) hours have passed since midnight.
  const day = local.hour < cutoffHour ? local.minus({ days: 1 }) : local;
  return day.toISODate();
}

/** Today in Europe/Oslo. */
export function osloToday(now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: BUSINESS_TIME_ZONE }).toISODate() as string;
}

/** A day plus n days (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: BUSINESS_TIME_ZONE })
    .plus({ days: n })
    .toISODate() as string;
}
