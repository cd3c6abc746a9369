import type { AlertDetailsV1, AlertKind, AlertSeverity, AlertV1 } from '@pos-tripletex/contracts';

export const AlertStates = { OPEN: 'OPEN', RESOLVED: 'RESOLVED' } as const;
export type AlertRowState = (typeof AlertStates)[keyof typeof AlertStates];

/** One row of `alerts`: the alert of one cause (companyId, alertKey), its current occurrence. */
export interface AlertRow {
  companyId: string;
  alertKey: string;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertRowState;
  title: string;
  message: string;
  details: AlertDetailsV1 | null;
  source: string;
  /** When the current occurrence opened. */
  openedAt: Date;
  /** The newest OPEN of the current occurrence. */
  lastSeenAt: Date;
  /** OPENs of the current occurrence (1 when it opened, +1 per repeat). */
  count: number;
  /** How many times the cause has opened (1, +1 per reopening after a resolve). */
  occurrences: number;
  resolvedAt: Date | null;
  /** What cleared it (the RESOLVED event's message). */
  resolution: string | null;
  /** occurredAt of the newest event applied: an older one is ignored. */
  lastEventAt: Date;
}

/** What an alert event does to the row of its cause. */
export type AlertChange =
  | { kind: 'opened'; row: AlertRow }
  | { kind: 'repeated'; row: AlertRow }
  | { kind: 'resolved'; row: AlertRow }
  | { kind: 'reopened'; row: AlertRow }
  | { kind: 'ignored'; reason: 'stale' | 'nothing-open' | 'already-resolved' };

/**
 * The de-duplication rules, pure: one row per cause.
 * - a first OPEN opens it (count 1, occurrence 1);
 * - an OPEN of an open alert is the same alert seen again: count + 1, last seen, and the newest
 *   title, message, details and severity (a day's unmapped list may grow) – never a second alert;
 * - RESOLVED closes an open alert (resolved at, what cleared it);
 * - an OPEN of a resolved alert reopens it: a new occurrence, count back to 1;
 * - an event older than the newest one applied is stale and changes nothing (a record replayed
 *   from the dead-letter topic, or one producer's events overtaking another's);
 * - RESOLVED for a cause with no open alert changes nothing (producers may resolve freely).
 */
export function applyAlert(row: AlertRow | null, event: AlertV1): AlertChange {
  const at = new Date(event.occurredAt);
  if (row && at.getTime() < row.lastEventAt.getTime()) return { kind: 'ignored', reason: 'stale' };
  if (event.state === AlertStates.RESOLVED) {
    if (!row) return { kind: 'ignored', reason: 'nothing-open' };
    if (row.state === AlertStates.RESOLVED) return { kind: 'ignored', reason: 'already-resolved' };
    return {
      kind: 'resolved',
      row: {
        ...row,
        state: AlertStates.RESOLVED,
        resolvedAt: at,
        resolution: event.message,
        lastEventAt: at,
      },
    };
  }
  const latest = {
    kind: event.kind,
    severity: event.severity,
    title: event.title,
    message: event.message,
    details: event.details ?? null,
    source: event.source,
    lastSeenAt: at,
    lastEventAt: at,
  };
  if (!row)
    return {
      kind: 'opened',
      row: {
        companyId: event.companyId,
        alertKey: event.alertKey,
        ...latest,
        state: AlertStates.OPEN,
        openedAt: at,
        count: 1,
        occurrences: 1,
        resolvedAt: null,
        resolution: null,
      },
    };
  if (row.state === AlertStates.OPEN)
    return { kind: 'repeated', row: { ...row, ...latest, count: row.count + 1 } };
  return {
    kind: 'reopened',
    row: {
      ...row,
      ...latest,
      state: AlertStates.OPEN,
      openedAt: at,
      count: 1,
      occurrences: row.occurrences + 1,
      resolvedAt: null,
      resolution: null,
    },
  };
}
