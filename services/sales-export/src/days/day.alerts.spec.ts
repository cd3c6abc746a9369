import { dayAlerts, UNMAPPED_CODE } from './day.alerts';

const DAY = { companyId: 'rest-1', locationId: 'oslo', businessDay: '2026-11-24' };
const BAKERY = { kind: 'PRODUCT_GROUP' as const, id: 'bakery', takeaway: true, vatRate: 15 };
const CLEAN = { failureCode: null, mismatches: 0 };
const WAS_UNMAPPED = { failureCode: UNMAPPED_CODE, mismatches: 0 };
const WAS_FAILED = { failureCode: 'SALES_EXPORT.TRIPLETEX_REJECTED', mismatches: 0 };
const reconciliation = (mismatches: string[]) => ({
  zCheckoutCount: 12,
  checkouts: 11,
  salesGross: 100_000,
  expectedCash: 20_000,
  mismatches,
});
const summary = (alerts: ReturnType<typeof dayAlerts>) =>
  alerts.map((a) => `${a.state} ${a.alertKey}`);

describe(dayAlerts.name, () => {
  it('opens day-unmapped naming what to map and where, for an UNMAPPED day', () => {
    const alerts = dayAlerts(DAY, CLEAN, 'UNMAPPED', {
      unmapped: [BAKERY, { kind: 'PAYMENT_METHOD', id: 'vipps' }],
      code: UNMAPPED_CODE,
      reason: 'Not mapped yet: …',
    });
    expect(alerts).toEqual([
      {
        companyId: 'rest-1',
        alertKey: 'day-unmapped:oslo:2026-11-24',
        kind: 'DAY_UNMAPPED',
        state: 'OPEN',
        severity: 'CRITICAL',
        title:
          'Day 2026-11-24 at oslo cannot be posted: product group bakery (takeaway, 15 %), payment method vipps is not mapped',
        message:
          'Map these to an account in the Tripletex integration settings, and the day is posted on its own: ' +
          'product group bakery (takeaway, 15 %) under product groups (takeaway); payment method vipps under payment methods.',
        details: {
          locationId: 'oslo',
          businessDay: '2026-11-24',
          code: UNMAPPED_CODE,
          unmapped: [BAKERY, { kind: 'PAYMENT_METHOD', id: 'vipps' }],
        },
      },
    ]);
  });

  it('opens day-failed with the reason for a FAILED day, and resolves an earlier UNMAPPED', () => {
    const alerts = dayAlerts(DAY, WAS_UNMAPPED, 'FAILED', {
      code: 'SALES_EXPORT.TRIPLETEX_REJECTED',
      reason: 'Tripletex: Kontoen er sperret.',
    });
    expect(summary(alerts)).toEqual([
      'OPEN day-failed:oslo:2026-11-24',
      'RESOLVED day-unmapped:oslo:2026-11-24',
    ]);
    expect(alerts[0]).toMatchObject({
      kind: 'DAY_FAILED',
      message: expect.stringMatching(/^Tripletex: Kontoen er sperret\. Correct it/),
      details: { code: 'SALES_EXPORT.TRIPLETEX_REJECTED' },
    });
  });

  it('resolves the alert of the failure the day had once it posts, and raises nothing for a day that never failed', () => {
    expect(summary(dayAlerts(DAY, WAS_UNMAPPED, 'POSTED'))).toEqual([
      'RESOLVED day-unmapped:oslo:2026-11-24',
    ]);
    expect(summary(dayAlerts(DAY, WAS_FAILED, 'NOTHING_TO_POST'))).toEqual([
      'RESOLVED day-failed:oslo:2026-11-24',
    ]);
    expect(dayAlerts(DAY, CLEAN, 'POSTED')).toEqual([]);
  });

  it('repeats the open alert when a day is UNMAPPED again, and clears nothing while it is only CLOSED', () => {
    expect(summary(dayAlerts(DAY, WAS_UNMAPPED, 'UNMAPPED', { unmapped: [BAKERY] }))).toEqual([
      'OPEN day-unmapped:oslo:2026-11-24',
    ]);
    expect(dayAlerts(DAY, WAS_UNMAPPED, 'CLOSED')).toEqual([]);
  });

  it('opens a Z_REPORT_NOT_RECONCILED warning saying what disagrees, and resolves it once the day adds up', () => {
    const mismatch = 'the Z-report counts 12 checkouts, but 11 were received';
    const open = dayAlerts(DAY, CLEAN, 'POSTED', { reconciliation: reconciliation([mismatch]) });
    expect(open).toEqual([
      {
        companyId: 'rest-1',
        alertKey: 'z-report:oslo:2026-11-24',
        kind: 'Z_REPORT_NOT_RECONCILED',
        state: 'OPEN',
        severity: 'WARNING',
        title: 'Day 2026-11-24 at oslo: the Z-report does not agree with the checkouts received',
        message:
          'the Z-report counts 12 checkouts, but 11 were received. The day is posted with the ' +
          'checkouts received. Check the register: a checkout it has not sent yet is posted as a ' +
          'correction when it comes.',
        details: { locationId: 'oslo', businessDay: '2026-11-24' },
      },
    ]);
    const agreed = { reconciliation: reconciliation([]) };
    expect(summary(dayAlerts(DAY, { failureCode: null, mismatches: 1 }, 'POSTED', agreed))).toEqual(
      ['RESOLVED z-report:oslo:2026-11-24'],
    );
    expect(dayAlerts(DAY, CLEAN, 'POSTED', agreed)).toEqual([]);
    // no Z-report in this outcome: nothing said about it
    expect(dayAlerts(DAY, { failureCode: null, mismatches: 1 }, 'POSTED')).toEqual([]);
  });
});
