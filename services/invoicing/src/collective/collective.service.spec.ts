import { forcedUpTo } from './collective.service';

describe(forcedUpTo.name, () => {
  it('forces the months before the last one at once, and the last one in the month’s final week', () => {
    expect(forcedUpTo('2026-12-01')).toBe('2026-11-01');
    expect(forcedUpTo('2026-12-24')).toBe('2026-11-01');
    expect(forcedUpTo('2026-12-25')).toBe('2026-12-01');
    expect(forcedUpTo('2026-12-31')).toBe('2026-12-01');
    // February's last week starts on the 22nd (the 23rd in a leap year).
    expect(forcedUpTo('2027-02-21')).toBe('2027-01-01');
    expect(forcedUpTo('2027-02-22')).toBe('2027-02-01');
    expect(forcedUpTo('2028-02-22')).toBe('2028-01-01');
  });
});
