import {
  backoff,
  headersToStrings,
  isDatabaseUnavailable,
  isTransientDatabaseError,
} from '../index';

describe(isDatabaseUnavailable.name, () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006', message: 'connection failure' }],
    [new Error('Connection terminated unexpectedly')],
    [{ message: 'query failed', driverError: { code: 'ECONNRESET' } }],
  ])('treats %p as our outage (redeliver, never dead-letter)', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }],
    [{ code: '22P02', message: 'invalid input syntax for type integer' }],
    [new Error('customer 42 is inactive')],
    [null],
  ])('treats %p as the event’s own problem', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe(backoff.name, () => {
  it('grows exponentially with jitter and stays within 5 s', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(5000, 200 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = backoff(attempt);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe(headersToStrings.name, () => {
  it('decodes Kafka header buffers and drops empty ones', () => {
    expect(
      headersToStrings({
        'correlation-id': Buffer.from('abc'),
        multi: [Buffer.from('first'), Buffer.from('second')],
        missing: undefined,
      }),
    ).toEqual({ 'correlation-id': 'abc', multi: 'first' });
  });
});

describe(isTransientDatabaseError.name, () => {
  it.each([
    [{ code: '40P01', message: 'deadlock detected' }],
    [{ code: '40001', message: 'could not serialize access due to concurrent update' }],
    [{ message: 'query failed', driverError: { code: '55P03' } }],
  ])('retries %p instead of dead-lettering the event', (error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([[{ code: '23505' }], [{ code: '22P02' }], [new Error('bad')], [null]])(
    'leaves %p to the usual handling',
    (error) => {
      expect(isTransientDatabaseError(error)).toBe(false);
    },
  );
});
