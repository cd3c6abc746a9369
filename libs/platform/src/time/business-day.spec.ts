import fc from 'fast-check';
import { addDays, businessDayOf } from '../index';
import { businessDayByLuxon } from './business-day';

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

  // The hot path reads the moment itself and keeps each UTC hour's wall clock; luxon, reading
  // everything on every call, is the reference – also for text that is not a valid date-time.
  const answer = (f: () => string) => {
    try {
      return f();
    } catch (error) {
      return `throws: ${(error as Error).message}`;
    }
  };
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const dateTimeText = fc
    .record({
      y: fc.oneof(fc.integer({ min: 1850, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 60 }),
      fraction: fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
      offset: fc.oneof(
        fc.constant('Z'),
        fc.constant(''),
        fc
          .record({
            sign: fc.constantFrom('+', '-'),
            h: fc.integer({ min: 0, max: 25 }),
            m: fc.integer({ min: 0, max: 60 }),
          })
          .map((o) => `${o.sign}${pad(o.h)}:${pad(o.m)}`),
      ),
    })
    .map(
      (t) =>
        `${pad(t.y, 4)}-${pad(t.mo)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.fraction === undefined ? '' : `.${t.fraction}`}${t.offset}`,
    );

  it('answers as luxon does for any date-time text and cut-off', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          dateTimeText,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        fc.integer({ min: 0, max: 12 }),
        (text, cutoff) => {
          expect(answer(() => businessDayOf(text, cutoff))).toBe(
            answer(() => businessDayByLuxon(text, cutoff)),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers as luxon does in every hour around the clock changes', () => {
    for (const start of ['2026-03-29T00:00:00Z', '2026-10-25T00:00:00Z', '1916-05-22T00:00:00Z'])
      for (let minutes = -180; minutes <= 300; minutes += 7) {
        const at = new Date(Date.parse(start) + minutes * 60_000).toISOString();
        for (const cutoff of [0, 2, 3, 4])
          expect(businessDayOf(at, cutoff)).toBe(businessDayByLuxon(at, cutoff));
      }
  });

  it('adds days across month ends', () => expect(addDays('2026-11-30', 1)).toBe('2026-12-01'));
});
