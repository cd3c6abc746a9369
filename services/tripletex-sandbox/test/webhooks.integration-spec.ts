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

/** The answer as it came, refusals included. */
async function apiRaw(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/v2${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`0:${session}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
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
    // The receiver listens on plain http: allowed explicitly (the default is https only).
    SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS: '127.0.0.1',
    SANDBOX_WEBHOOK_RETRY_DELAYS_MS: '500,2000,5000,15000',
    SANDBOX_WEBHOOK_DISABLE_AFTER_FAILURES: '20',
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

describe('webhook targets and failing deliveries (as strict as Tripletex)', () => {
  afterEach(async () => {
    await operator('PUT', 'controls', {
      webhookAllowHttpHosts: ['127.0.0.1'],
      webhookRetryDelaysMs: [500, 2000, 5000, 15000],
      webhookDisableAfterFailures: 20,
      webhookOutage: false,
    });
  });

  it('refuses a plain-http target with 422 on targetUrl unless its host is allowed', async () => {
    await operator('PUT', 'controls', { webhookAllowHttpHosts: [] });

    for (const targetUrl of [receiverUrl, 'http://pos.example/hook']) {
      const res = await apiRaw('POST', '/event/subscription', {
        event: 'customer.update',
        targetUrl,
      });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({
        status: 422,
        code: 15000,
        validationMessages: [{ field: 'targetUrl', message: 'URL-en må bruke https.' }],
      });
    }
    const https = await api('POST', '/event/subscription', {
      event: 'customer.update',
      targetUrl: 'https://pos.example/hook',
    });
    expect(https.value.status).toBe('ACTIVE');
    // Nor can an existing subscription be moved to http.
    const moved = await apiRaw('PUT', `/event/subscription/${https.value.id}`, {
      targetUrl: 'http://pos.example/hook',
    });
    expect(moved.status).toBe(422);
    await api('DELETE', `/event/subscription/${https.value.id}`);
  });

  it('disables a subscription after too many failed deliveries in a row, and a PUT with status ACTIVE re-enables it', async () => {
    for (const earlier of (await api('GET', '/event/subscription')).values)
      await api('DELETE', `/event/subscription/${earlier.id}`);
    await operator('PUT', 'controls', {
      webhookRetryDelaysMs: [50, 50],
      webhookDisableAfterFailures: 3,
      webhookOutage: true,
    });
    const created = await api('POST', '/event/subscription', {
      event: 'customer.create',
      targetUrl: receiverUrl,
      authHeaderName: 'x-webhook-secret',
      authHeaderValue: 'secret',
    });
    const id = created.value.id as number;
    received.length = 0;

    // One delivery, three attempts, all failing: the third failure in a row disables it.
    await operator('POST', `companies/${company.companyId}/customers`, {
      customers: [{ name: 'Feiler AS' }],
    });
    await eventually(async () =>
      expect((await api('GET', `/event/subscription/${id}`)).value.status).toBe(
        'DISABLED_TOO_MANY_ERRORS',
      ),
    );
    // While disabled nothing is delivered, even once the target is reachable again.
    await operator('PUT', 'controls', { webhookOutage: false });
    await operator('POST', `companies/${company.companyId}/customers`, {
      customers: [{ name: 'Mens Avslått AS' }],
    });
    const reenabled = await api('PUT', `/event/subscription/${id}`, { status: 'ACTIVE' });
    expect(reenabled.value).toMatchObject({ id, status: 'ACTIVE' });
    expect(JSON.stringify(reenabled.value)).not.toContain('failuresInARow');
    expect(received).toHaveLength(0);

    await operator('POST', `companies/${company.companyId}/customers`, {
      customers: [{ name: 'Igjen AS' }],
    });
    await eventually(() => expect(received).toHaveLength(1));
    expect(JSON.parse(received[0].body)).toMatchObject({
      subscriptionId: id,
      event: 'customer.create',
    });
    await api('DELETE', `/event/subscription/${id}`);
  });
});
