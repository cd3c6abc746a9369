import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
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

describe('request logs', () => {
  it('never show a secret header: webhook secrets, signatures, credentials, tokens', async () => {
    const sink: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _e, cb) {
        sink.push(chunk.toString());
        cb();
      },
    });
    // The request logger as LoggingModule configures it.
    const log = pinoHttp(pinoOptions('test-service', 'info'), scrubbingStream(stream));
    const seen: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      log(req, res);
      seen.push({ ...req.headers });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const secretHeaders = {
      'x-pos-tripletex-webhook-secret': 'webhook-secret-value-1',
      'x-request-signature': 'c2lnbmF0dXJlLXZhbHVlLTI=',
      authorization: 'Bearer header.payload.signature-3',
      'x-api-key': 'api-key-value-4',
      'x-session-token': 'session-token-value-5',
    };
    try {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/v1/webhooks/tripletex/co_1`, {
        method: 'POST',
        headers: { ...secretHeaders, 'idempotency-key': 'key-6' },
        body: '{}',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const [line] = sink.map((l) => JSON.parse(l) as { req: { headers: Record<string, string> } });
    expect(line.req.headers).toMatchObject({
      ...Object.fromEntries(Object.keys(secretHeaders).map((name) => [name, '[redacted]'])),
      'idempotency-key': 'key-6',
    });
    for (const value of Object.values(secretHeaders)) expect(sink.join('')).not.toContain(value);
    // The request itself kept them: only the log line is redacted.
    expect(seen[0]).toMatchObject(secretHeaders);
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
