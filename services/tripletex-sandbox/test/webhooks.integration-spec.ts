import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RunningService } from '@pos-tripletex/platform';
import { eventually } from '@pos-tripletex/testing';
import { startForTest } from '../src/bootstrap';

// Webhooks as Tripletex sends them: {subscriptionId, event, id, value}, value null on delete,
// the subscription's auth header, an idempotency key and an HMAC-SHA512 signature.

const CONSUMER = 'webhook-consumer-token';
let sandbox: RunningService;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let refuseNext = 0;
const refused: string[] = [];
let company: { companyId: number; employeeToken: string };
let session: string;

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.url}/v2${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`0:${session}`).toString('base64')}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function operator(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        refused.push(req.headers['idempotency-key'] as string);
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tripletex/webhook`;
  Object.assign(process.env, {
    SANDBOX_CONSUMER_TOKENS: CONSUMER,
    SANDBOX_SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
  });
  sandbox = await startForTest();
  company = await operator('POST', 'companies', { name: 'Webhook AS' });
  const res = await fetch(
    `${sandbox.url}/v2/token/session/:create?consumerToken=${CONSUMER}&employeeToken=${company.employeeToken}&expirationDate=2099-01-01`,
    { method: 'PUT' },
  );
  session = ((await res.json()) as { value: { token: string } }).value.token;
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('webhooks', () => {
  it('delivers customer create, update and delete to each subscription, signed and authenticated', async () => {
    for (const event of ['customer.create', 'customer.update', 'customer.delete']) {
      await api('POST', '/event/subscription', {
        event,
        targetUrl: receiverUrl,
        fields: 'id,name,version',
        authHeaderName: 'x-webhook-secret',
        authHeaderValue: 'secret-for-this-subscription',
        hmacSharedSecret: 'hmac-shared-secret',
      });
    }
    const [customer] = (
      await operator('POST', `companies/${company.companyId}/customers`, {
        customers: [{ name: 'Ny Kunde AS', email: 'a@b.no' }],
      })
    ).customers as { id: number }[];
    await operator('PUT', `companies/${company.companyId}/customers/${customer.id}`, {
      name: 'Ny Kunde Endret AS',
    });
    await operator('POST', `companies/${company.companyId}/customers/${customer.id}/delete`);

    await eventually(() => expect(received).toHaveLength(3));
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event).sort()).toEqual([
      'customer.create',
      'customer.delete',
      'customer.update',
    ]);
    expect(bodies.find((b) => b.event === 'customer.create')).toMatchObject({
      id: customer.id,
      value: { id: customer.id, name: 'Ny Kunde AS', version: 1 },
    });
    expect(bodies.find((b) => b.event === 'customer.create').value.email).toBeUndefined(); // fields filter
    expect(bodies.find((b) => b.event === 'customer.update')).toMatchObject({
      value: { name: 'Ny Kunde Endret AS', version: 2 },
    });
    expect(bodies.find((b) => b.event === 'customer.delete')).toMatchObject({
      id: customer.id,
      value: null,
    });
    for (const r of received) {
      expect(r.headers['x-webhook-secret']).toBe('secret-for-this-subscription');
      const key = r.headers['idempotency-key'] as string;
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      const expected = createHmac('sha512', 'hmac-shared-secret')
        .update(`${key}&${r.body}`)
        .digest('base64');
      expect(r.headers['x-request-signature']).toBe(expected);
    }
  });

  it('retries a delivery the receiver refused, with the same idempotency key', async () => {
    received.length = 0;
    refuseNext = 1;
    await operator('POST', `companies/${company.companyId}/customers`, {
      customers: [{ name: 'Andre Forsøk AS' }],
    });
    await eventually(() => expect(received).toHaveLength(1), { timeoutMs: 10_000 });
    expect(JSON.parse(received[0].body)).toMatchObject({
      event: 'customer.create',
      value: { name: 'Andre Forsøk AS' },
    });
    expect(refused).toEqual([received[0].headers['idempotency-key']]);
  });
});
