// How a failure while handling a record is classified. Only an outage of a dependency (the
// database, the broker) makes a record wait; everything else ends with the record applied or
// dead-lettered with its reason.

/**
 * A dependency the service cannot work without is down. The record is not at fault: it stays
 * uncommitted and is handled again once the dependency is back. Never dead-lettered.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'database' | 'kafka',
    cause: unknown,
  ) {
    super(`${dependency} unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DependencyUnavailableError';
  }
}

/** The service is shutting down: the record stays uncommitted and comes back after the restart. */
export class ConsumerStoppingError extends Error {
  constructor(cause?: unknown) {
    super('the consumer is stopping; the record will be handled again after the restart', {
      cause,
    });
    this.name = 'ConsumerStoppingError';
  }
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  name?: unknown;
  type?: unknown;
}

function asErrorLike(error: unknown): ErrorLike | null {
  return error !== null && typeof error === 'object' ? error : null;
}

/** Walks `cause` and TypeORM's `driverError`, at most a few levels (a cycle cannot hang it). */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current: unknown = error;
  for (let i = 0; i < 8; i++) {
    const e = asErrorLike(current);
    if (!e || out.includes(e)) break;
    out.push(e);
    current = e.driverError ?? e.cause;
  }
  return out;
}

const sqlState = (e: ErrorLike) => (typeof e.code === 'string' ? e.code : '');

/** PostgreSQL is unreachable or restarting: our outage, not the event's fault. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = sqlState(e);
    const message = typeof e.message === 'string' ? e.message : '';
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)
    )
      return true;
    // connection exception, admin/crash shutdown, cannot connect now, too many connections
    if (/^(08|57P0)/.test(code) || code === '53300') return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|connect ECONNREFUSED/i.test(
      message,
    );
  });
}

/**
 * A conflict between concurrent transactions (serialization failure, deadlock, lock not
 * available): nothing is wrong with the event, and trying again succeeds.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  return chain(error).some((e) => ['40001', '40P01', '55P03'].includes(sqlState(e)));
}

/**
 * PostgreSQL refuses the values themselves (data exception: a NUL character, a number out of
 * range, invalid text; integrity violation other than a unique key; a program limit such as an
 * index row too large). The same record fails the same way every time.
 */
export function isPermanentDatabaseError(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = sqlState(e);
    return /^(22|54)[0-9A-Z]{3}$/.test(code) || (/^23[0-9A-Z]{3}$/.test(code) && code !== '23505');
  });
}

/** Broker error types that mean "this record will never be accepted", not "the broker is down". */
const REFUSED_RECORD_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'POLICY_VIOLATION',
]);

/** The broker (or the client encoding the request) refuses this particular record. */
export function isRecordRefusedByBroker(error: unknown): boolean {
  return chain(error).some(
    (e) =>
      (typeof e.type === 'string' && REFUSED_RECORD_TYPES.has(e.type)) ||
      e.name === 'KafkaJSInvalidVarIntError' ||
      e.name === 'KafkaJSInvalidLongError',
  );
}

/** Any kafkajs error that is not a refusal of the record itself: the broker is (for now) away. */
export function isKafkaUnavailable(error: unknown): boolean {
  if (isRecordRefusedByBroker(error)) return false;
  return chain(error).some((e) => typeof e.name === 'string' && e.name.startsWith('KafkaJS'));
}

/** A failure that means "wait for the dependency", never "dead-letter the record". */
export function isOutage(error: unknown): boolean {
  return (
    error instanceof DependencyUnavailableError ||
    isDatabaseUnavailable(error) ||
    isKafkaUnavailable(error)
  );
}

/** The record must be offered again later (outage or shutdown), never dead-lettered. */
export function mustWait(error: unknown): boolean {
  return error instanceof ConsumerStoppingError || isOutage(error);
}
