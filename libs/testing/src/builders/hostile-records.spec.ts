import { ParseableTopic, parseEvent, Topics } from '@pos-tripletex/contracts';
import { aCheckout } from './checkout.builder';
import { aDayClosed, aMinimalConfig, anAuthFailed } from './event.builders';
import { hostileRecords } from './hostile-records';

const cases: [ParseableTopic, Record<string, unknown>, boolean][] = [
  [
    Topics.CheckoutCompletedV1,
    aCheckout({ companyId: 'c1', lines: [{ unitPriceGross: 100 }] }),
    false,
  ],
  [Topics.DayClosedV1, aDayClosed({ companyId: 'c1', businessDay: '2026-11-30' }), false],
  [Topics.IntegrationConfigV1, aMinimalConfig('c1'), true],
  [Topics.TripletexAuthFailedV1, anAuthFailed('c1'), false],
];

describe(hostileRecords.name, () => {
  it.each(cases)('starts from a valid %s', (topic, valid) => {
    expect(parseEvent(topic, JSON.stringify(valid))).toMatchObject({ ok: true });
  });

  it.each(cases)(
    'builds at least 20 kinds on %s, none of which the contract accepts',
    (topic, valid, compacted) => {
      const records = hostileRecords(topic, valid, { compacted });
      expect(new Set(records.map((r) => r.kind)).size).toBeGreaterThanOrEqual(20);
      for (const record of records) {
        const result = parseEvent(topic, record.value);
        if (result.ok) throw new Error(`${record.kind} is accepted by the contract of ${topic}`);
      }
    },
  );
});
