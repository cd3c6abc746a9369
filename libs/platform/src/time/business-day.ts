import { DateTime } from 'luxon';

export const BUSINESS_TIME_ZONE = 'Europe/Oslo';

/**
 * The business day (YYYY-MM-DD, Europe/Oslo) a moment belongs to: sales before the cut-off hour
 * belong to the day before (a bar open until 02:00 books them on the evening they started).
 *
 * Hot (every checkout): the wall clock of each UTC hour is worked out by luxon once and kept
 * (`osloWallClock`); the moment itself is read by `Date.parse` when it carries its offset.
 */
export function businessDayOf(completedAt: string, cutoffHour = 0): string {
  const ms = rfc3339Millis(completedAt);
  const wall = ms === undefined ? null : osloWallClock(ms);
  if (!wall) return businessDayByLuxon(completedAt, cutoffHour);
  return wall.hour < cutoffHour ? wall.dayBefore : wall.day;
}

/** The reference: luxon reads the moment and the zone for every call. */
export function businessDayByLuxon(completedAt: string, cutoffHour = 0): string {
  const local = DateTime.fromISO(completedAt, { setZone: true }).setZone(BUSINESS_TIME_ZONE);
  if (!local.isValid) throw new Error(`not a date-time: ${completedAt}`);
  // Wall-clock time, not elapsed hours: on the nights the clocks change, 04:30 is after a 04:00
  // cut-off although only three (or five) hours have passed since midnight.
  const day = local.hour < cutoffHour ? local.minus({ days: 1 }) : local;
  return day.toISODate();
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * The moment of an RFC 3339 date-time with its offset (`Z` or `±hh:mm`), to the millisecond
 * (further digits cut off, as luxon does); undefined for anything else, however a lenient parser
 * would read it (a 30th of February, hour 24, no offset, …).
 */
function rfc3339Millis(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec, millis);
  const date = new Date(utc);
  // Date.UTC rolls a 31st of a 30-day month over; a real day comes back unchanged. Years below 100
  // are read as 19xx by Date.UTC: those are left to luxon.
  if (
    y < 100 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d
  )
    return undefined;
  if (m[8] === undefined) return utc;
  const offsetHours = Number(m[9]);
  const offsetMinutes = Number(m[10]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return m[8] === '+' ? utc - offset : utc + offset;
}
const HOUR_MS = 3_600_000;
const WALL_CLOCK_CACHE_SIZE = 100_000;

interface WallClock {
  day: string;
  hour: number;
  dayBefore: string;
}

const wallClocks = new Map<number, WallClock | null>();

/**
 * Oslo's calendar day and hour during the UTC hour holding `ms`, and the day before – the same
 * for every moment of that hour when the zone's offset is a whole number of hours and does not
 * change within it (true since 1895: the clocks change on whole UTC hours); null otherwise, and
 * the caller asks luxon.
 */
function osloWallClock(ms: number): WallClock | null {
  const hour = Math.floor(ms / HOUR_MS);
  let wall = wallClocks.get(hour);
  if (wall !== undefined) return wall;
  const start = DateTime.fromMillis(hour * HOUR_MS, { zone: BUSINESS_TIME_ZONE });
  const end = DateTime.fromMillis(hour * HOUR_MS + HOUR_MS - 1, { zone: BUSINESS_TIME_ZONE });
  wall =
    start.isValid && start.offset % 60 === 0 && start.offset === end.offset
      ? {
          day: start.toISODate(),
          hour: start.hour,
          dayBefore: start.minus({ days: 1 }).toISODate(),
        }
      : null;
  if (wallClocks.size >= WALL_CLOCK_CACHE_SIZE) wallClocks.clear();
  wallClocks.set(hour, wall);
  return wall;
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
