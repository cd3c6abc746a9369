import { AlertKeys, AlertV1 } from '@pos-tripletex/contracts';
import { AlertChange, AlertRow, applyAlert } from './alert-rules';

const KEY = AlertKeys.dayUnmapped('oslo', '2026-11-24');

function alert(state: AlertV1['state'], occurredAt: string, over: Partial<AlertV1> = {}): AlertV1 {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    schemaVersion: 1,
    companyId: 'rest-1',
    alertKey: KEY,
    kind: 'DAY_UNMAPPED',
    state,
    severity: 'CRITICAL',
    title: 'Day 2026-11-24 at oslo cannot be posted',
    message: state === 'OPEN' ? 'Map product group food.' : 'The day is posted.',
    details: { locationId: 'oslo', businessDay: '2026-11-24' },
    source: 'sales-export',
    occurredAt,
    ...over,
  };
}

/** Applies the events in order, each to the row the previous ones left. */
function replay(...events: AlertV1[]): { row: AlertRow | null; changes: AlertChange['kind'][] } {
  let row: AlertRow | null = null;
  const changes: AlertChange['kind'][] = [];
  for (const event of events) {
    const change = applyAlert(row, event);
    changes.push(change.kind);
    if (change.kind !== 'ignored') row = change.row;
  }
  return { row, changes };
}

describe(applyAlert.name, () => {
  it('opens an alert on its first OPEN', () => {
    const { row, changes } = replay(alert('OPEN', '2026-11-25T04:30:00+01:00'));
    expect(changes).toEqual(['opened']);
    expect(row).toMatchObject({
      companyId: 'rest-1',
      alertKey: KEY,
      state: 'OPEN',
      count: 1,
      occurrences: 1,
      openedAt: new Date('2026-11-25T03:30:00Z'),
      lastSeenAt: new Date('2026-11-25T03:30:00Z'),
      resolvedAt: null,
    });
  });

  it('counts a repeated OPEN on the one open alert, with the newest message, never a second alert', () => {
    const { row, changes } = replay(
      alert('OPEN', '2026-11-25T04:30:00+01:00'),
      alert('OPEN', '2026-11-25T05:30:00+01:00', { message: 'Map product groups food and bar.' }),
      alert('OPEN', '2026-11-25T06:30:00+01:00', { message: 'Map product group bar.' }),
    );
    expect(changes).toEqual(['opened', 'repeated', 'repeated']);
    expect(row).toMatchObject({
      state: 'OPEN',
      count: 3,
      occurrences: 1,
      message: 'Map product group bar.',
      openedAt: new Date('2026-11-25T03:30:00Z'),
      lastSeenAt: new Date('2026-11-25T05:30:00Z'),
    });
  });

  it('closes an open alert on RESOLVED, saying what cleared it', () => {
    const { row, changes } = replay(
      alert('OPEN', '2026-11-25T04:30:00+01:00'),
      alert('RESOLVED', '2026-11-25T09:00:00+01:00'),
    );
    expect(changes).toEqual(['opened', 'resolved']);
    expect(row).toMatchObject({
      state: 'RESOLVED',
      resolvedAt: new Date('2026-11-25T08:00:00Z'),
      resolution: 'The day is posted.',
      // the alert as it was raised stays readable
      message: 'Map product group food.',
    });
  });

  it('reopens a resolved alert as a new occurrence', () => {
    const { row, changes } = replay(
      alert('OPEN', '2026-11-25T04:30:00+01:00'),
      alert('OPEN', '2026-11-25T04:40:00+01:00'),
      alert('RESOLVED', '2026-11-25T09:00:00+01:00'),
      alert('OPEN', '2026-11-26T04:30:00+01:00', { message: 'Map product group bar.' }),
    );
    expect(changes).toEqual(['opened', 'repeated', 'resolved', 'reopened']);
    expect(row).toMatchObject({
      state: 'OPEN',
      count: 1,
      occurrences: 2,
      openedAt: new Date('2026-11-26T03:30:00Z'),
      resolvedAt: null,
      resolution: null,
      message: 'Map product group bar.',
    });
  });

  it('ignores a RESOLVED for a cause with no alert, or one already resolved', () => {
    expect(replay(alert('RESOLVED', '2026-11-25T09:00:00+01:00'))).toEqual({
      row: null,
      changes: ['ignored'],
    });
    const twice = replay(
      alert('OPEN', '2026-11-25T04:30:00+01:00'),
      alert('RESOLVED', '2026-11-25T09:00:00+01:00'),
      alert('RESOLVED', '2026-11-25T10:00:00+01:00', { message: 'again' }),
    );
    expect(twice.changes).toEqual(['opened', 'resolved', 'ignored']);
    expect(twice.row).toMatchObject({
      resolvedAt: new Date('2026-11-25T08:00:00Z'),
      resolution: 'The day is posted.',
    });
  });

  it('ignores an event older than the newest one applied (no resurrection by a late OPEN)', () => {
    const { row, changes } = replay(
      alert('OPEN', '2026-11-25T04:30:00+01:00'),
      alert('RESOLVED', '2026-11-25T09:00:00+01:00'),
      alert('OPEN', '2026-11-25T05:00:00+01:00'),
    );
    expect(changes).toEqual(['opened', 'resolved', 'ignored']);
    expect(row).toMatchObject({ state: 'RESOLVED', occurrences: 1 });
    expect(applyAlert(row, alert('RESOLVED', '2026-11-25T04:00:00+01:00'))).toEqual({
      kind: 'ignored',
      reason: 'stale',
    });
  });

  it('applies an event of the same instant as the newest (one transition publishes both)', () => {
    const { changes } = replay(
      alert('OPEN', '2026-11-25T04:30:00Z'),
      alert('RESOLVED', '2026-11-25T04:30:00Z'),
    );
    expect(changes).toEqual(['opened', 'resolved']);
  });
});
