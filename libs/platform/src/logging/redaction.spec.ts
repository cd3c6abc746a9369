import { Writable } from 'node:stream';
import pino from 'pino';
import { SecretRegistry, pinoOptions, scrubbingStream, snakeCase } from '../index';

function capture(registry = new SecretRegistry()) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = pino(pinoOptions('test-service', 'info'), scrubbingStream(sink, registry));
  return { logger, lines, registry };
}

describe('log redaction', () => {
  it('redacts secret fields at any of the first levels of a logged object', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        employeeToken: 'eyJ-employee-1',
        company: { consumerToken: 'consumer-2', tripletex: { sessionToken: 'session-3' } },
        req: { headers: { authorization: 'Basic c2VjcmV0' } },
      },
      'connected',
    );
    const line = lines.join('');
    for (const secret of ['eyJ-employee-1', 'consumer-2', 'session-3', 'c2VjcmV0']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({
      service: 'test-service',
      level: 'info',
      msg: 'connected',
    });
  });

  it('scrubs registered secret values wherever they appear, even inside messages', () => {
    const { logger, lines, registry } = capture();
    registry.add('a-very-secret-consumer-token');
    logger.error(new Error('login failed for a-very-secret-consumer-token'), 'Tripletex said no');
    expect(lines.join('')).not.toContain('a-very-secret-consumer-token');
    expect(lines.join('')).toContain('[redacted]');
  });
});

describe('log lines under hostile input', () => {
  it('keeps every line one JSON object with its own fields, whatever a value contains', () => {
    const { logger, lines, registry } = capture();
    registry.track('sealed:c1', 'tok"en\\with","level":"fatal');
    const hostile = '","level":"fatal","service":"evil"}\n{"msg":"forged\u0000';
    logger.warn({ companyId: hostile, problems: [{ path: hostile }] }, `rejected ${hostile}`);
    logger.warn({ note: 'tok"en\\with","level":"fatal' }, 'a secret with quotes');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({ level: 'warn', service: 'test-service' });
    }
    expect(JSON.parse(lines[0]).companyId).toBe(hostile);
    expect(JSON.parse(lines[1]).note).toBe('[redacted]');
  });
});

describe(snakeCase.name, () => {
  it.each([
    ['eventId', 'event_id'],
    ['processedAt', 'processed_at'],
    ['HTTPStatus', 'http_status'],
    ['companyId2', 'company_id2'],
  ])('%s → %s', (input, expected) => expect(snakeCase(input)).toBe(expected));
});
