import fc from 'fast-check';
import { parseEvent, recordRejection, Topics } from '../index';

const base = {
  rejectedBy: 'sales-export',
  topic: Topics.CheckoutCompletedV1,
  partition: 3,
  offset: '42',
  code: 'CONTRACT_VIOLATION',
  message: '1 problem(s)',
};

describe(recordRejection.name, () => {
  it('names the checkout a POS can match it by, and is itself a valid event', () => {
    const value = Buffer.from(
      JSON.stringify({
        eventId: '0b7c7f3e-6a3e-4b8e-9a51-3f4f6c1d2e10',
        companyId: 'rest-1',
        locationId: 'oslo',
        receiptNumber: 'R-17',
        lines: 'not an array',
      }),
    );
    const rejection = recordRejection({
      ...base,
      key: Buffer.from('rest-1'),
      value,
      problems: [{ path: 'lines', code: 'isArray', message: 'lines must be an array' }],
    });
    expect(rejection).toMatchObject({
      companyId: 'rest-1',
      rejectedEventId: '0b7c7f3e-6a3e-4b8e-9a51-3f4f6c1d2e10',
      locationId: 'oslo',
      receiptNumber: 'R-17',
      problems: [{ path: 'lines', code: 'isArray' }],
    });
    expect(parseEvent(Topics.RecordRejectedV1, JSON.stringify(rejection)).ok).toBe(true);
  });

  it('gives the same record the same eventId and another record another', () => {
    const a = recordRejection({ ...base, key: null, value: null });
    expect(recordRejection({ ...base, key: null, value: null }).eventId).toBe(a.eventId);
    expect(recordRejection({ ...base, offset: '43', key: null, value: null }).eventId).not.toBe(
      a.eventId,
    );
    expect(
      recordRejection({ ...base, rejectedBy: 'invoicing', key: null, value: null }).eventId,
    ).not.toBe(a.eventId);
  });

  it('takes the company from the key when the value names none, and never echoes hostile values', () => {
    const rejection = recordRejection({
      ...base,
      key: Buffer.from('rest-2'),
      value: Buffer.from(
        JSON.stringify({ companyId: '<script>', locationId: { a: 1 }, eventId: 'x' }),
      ),
    });
    expect(rejection.companyId).toBe('rest-2');
    expect(rejection).not.toHaveProperty('locationId');
    expect(rejection).not.toHaveProperty('rejectedEventId');
  });

  it('is a valid event whatever the rejected bytes and problems are', () => {
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))),
        fc.option(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
            fc.json().map((j) => Buffer.from(j)),
          ),
        ),
        fc.array(
          fc.record({
            path: fc.string(),
            code: fc.string(),
            message: fc.string({ maxLength: 2000 }),
          }),
          { maxLength: 150 },
        ),
        (key, value, problems) => {
          const rejection = recordRejection({
            ...base,
            key,
            value,
            problems,
            message: 'x'.repeat(5000),
          });
          const parsed = parseEvent(Topics.RecordRejectedV1, JSON.stringify(rejection));
          if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        },
      ),
      { numRuns: 300 },
    );
  });
});
