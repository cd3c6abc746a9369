import { addDays, businessDayOf } from '../index';

describe(businessDayOf.name, () => {
  it.each([
    ['2026-11-24T18:42:10+01:00', 4, '2026-11-24'],
    ['2026-11-25T00:30:00+01:00', 4, '2026-11-24'], // after midnight, before the cut-off
    ['2026-11-25T03:59:59+01:00', 4, '2026-11-24'],
    ['2026-11-25T04:00:00+01:00', 4, '2026-11-25'],
    ['2026-11-24T23:30:00Z', 0, '2026-11-25'], // already the 25th in Oslo
    ['2026-03-29T02:30:00+02:00', 0, '2026-03-29'], // the night summer time starts
    ['2026-10-25T02:30:00+01:00', 4, '2026-10-24'], // the night summer time ends
    ['2026-10-25T03:30:00+01:00', 4, '2026-10-24'], // …still before the 04:00 cut-off
    ['2026-10-25T04:30:00+01:00', 4, '2026-10-25'],
    ['2027-03-28T03:59:00+02:00', 4, '2027-03-27'], // the night summer time starts
    ['2027-03-28T04:30:00+02:00', 4, '2027-03-28'], // after the cut-off by the clock on the wall
    ['2026-11-25T05:59:00+01:00', 6, '2026-11-24'],
  ])('%s with cut-off %i belongs to %s', (at, cutoff, day) =>
    expect(businessDayOf(at, cutoff)).toBe(day),
  );

  it('adds days across month ends', () => expect(addDays('2026-11-30', 1)).toBe('2026-12-01'));
});
