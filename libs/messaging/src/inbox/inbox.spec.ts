import {
  backoff,
  ConsumerStoppingError,
  DependencyUnavailableError,
  headersToStrings,
  isDatabaseUnavailable,
  isOutage,
  isPermanentDatabaseError,
  isRecordRefusedByBroker,
  isTransientDatabaseError,
  mustWait,
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

describe(isPermanentDatabaseError.name, () => {
  it.each([
    [{ code: '22P05', message: 'unsupported Unicode escape sequence' }],
    [{ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }],
    [{ code: '22003', message: 'value "3000000000" is out of range for type integer' }],
    [{ code: '23502', message: 'null value in column violates not-null constraint' }],
    [{ code: '54000', message: 'index row size exceeds maximum' }],
    [{ message: 'query failed', driverError: { code: '22001' } }],
  ])('dead-letters %p at once: the same values fail every time', (error) => {
    expect(isPermanentDatabaseError(error)).toBe(true);
  });

  it.each([
    [{ code: '23505' }],
    [{ code: '40P01' }],
    [{ code: '08006' }],
    [new Error('x')],
    [null],
  ])('does not call %p permanent', (error) => {
    expect(isPermanentDatabaseError(error)).toBe(false);
  });
});

describe(isRecordRefusedByBroker.name, () => {
  it('recognises a refused record under kafkajs wrapping', () => {
    const refused = { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false };
    const wrapped = { name: 'KafkaJSNonRetriableError', message: 'too large', cause: refused };
    expect(isRecordRefusedByBroker(wrapped)).toBe(true);
    expect(isOutage(wrapped)).toBe(false);
  });

  it('treats a broker that does not answer as an outage, not a refusal', () => {
    const down = {
      name: 'KafkaJSNumberOfRetriesExceeded',
      message: 'Connection error',
      cause: { name: 'KafkaJSConnectionError', message: 'connect ECONNREFUSED' },
    };
    expect(isRecordRefusedByBroker(down)).toBe(false);
    expect(isOutage(down)).toBe(true);
  });
});

describe(mustWait.name, () => {
  it('waits for outages and shutdown only', () => {
    expect(mustWait(new DependencyUnavailableError('database', new Error('down')))).toBe(true);
    expect(mustWait(new ConsumerStoppingError())).toBe(true);
    expect(mustWait({ code: '57P01', message: 'terminating connection' })).toBe(true);
    expect(mustWait(new RangeError('Maximum call stack size exceeded'))).toBe(false);
    expect(mustWait({ code: '22P05', message: 'unsupported Unicode escape sequence' })).toBe(false);
    // A cause that points back at itself cannot hang the classification.
    const cyclic: { name: string; cause?: unknown } = { name: 'Error' };
    cyclic.cause = cyclic;
    expect(mustWait(cyclic)).toBe(false);
  });
});
