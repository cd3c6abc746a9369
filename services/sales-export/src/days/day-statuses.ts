import type { DayStatus } from '@pos-tripletex/contracts';

/** Where a day stands: the contracts' DayStatus plus EXPORTING (a worker holds the day). */
export type DayState = DayStatus | 'EXPORTING';

/**
 * Every status of the day lifecycle, named once (README: the state diagram). TypeScript uses these
 * properties and SQL interpolates them with `sqlText`, so no status is written out anywhere else.
 * All but EXPORTING go on the wire in sales-export.day-status.v1.
 */
export const DayStatuses = {
  OPEN: 'OPEN',
  CLOSED: 'CLOSED',
  EXPORTING: 'EXPORTING',
  POSTED: 'POSTED',
  NOTHING_TO_POST: 'NOTHING_TO_POST',
  UNMAPPED: 'UNMAPPED',
  FAILED: 'FAILED',
} as const satisfies { [S in DayState]: S };

/** What closed a day. */
export const DayClosers = {
  CUTOFF: 'CUTOFF',
  Z_REPORT: 'Z_REPORT',
  REQUEST: 'REQUEST',
} as const;
export type DayCloser = (typeof DayClosers)[keyof typeof DayClosers];

/**
 * Constants as a SQL list of string literals (`'POSTED', 'NOTHING_TO_POST'`), for interpolation
 * into statements. Only for these constants: values from outside go in as parameters.
 */
export const sqlText = (...values: (DayState | DayCloser)[]): string =>
  values.map((value) => `'${value}'`).join(', ');
