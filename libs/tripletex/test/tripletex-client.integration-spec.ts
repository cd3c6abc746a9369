import { TestSandbox, SandboxCompany } from '@pos-tripletex/testing';
import {
  Customer,
  TripletexClient,
  TripletexClientOptions,
  TripletexCompanyClient,
  TripletexError,
} from '../src';

// The client against the sandbox over real HTTP: sessions, paging, every error kind, retries.

let sandbox: TestSandbox;
let company: SandboxCompany;
let clockOffsetMs = 0;
const logLines: string[] = [];

const logger = {
  log: (...args: unknown[]) => logLines.push(JSON.stringify(args)),
  warn: (...args: unknown[]) => logLines.push(JSON.stringify(args)),
  error: (...args: unknown[]) => logLines.push(JSON.stringify(args)),
};

function newClient(options: Partial<TripletexClientOptions> = {}): TripletexClient {
  return new TripletexClient({
    baseUrl: sandbox.apiUrl,
    consumerToken: sandbox.consumerToken,
    retry: { baseDelayMs: 40, maxDelayMs: 400 },
    timeoutMs: 2000,
    now: () => new Date(Date.now() + clockOffsetMs),
    logger,
    ...options,
  });
}

function forCompany(client: TripletexClient, c: SandboxCompany = company): TripletexCompanyClient {
  return client.company({ key: `company-${c.companyId}`, employeeToken: c.employeeToken });
}

async function countCalls(companyId: number | undefined, operationId: string): Promise<number> {
  return (await sandbox.requests(companyId)).filter((r) => r.operationId === operationId).length;
}

async function caught(promise: Promise<unknown>): Promise<TripletexError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TripletexError);
    return error as TripletexError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sandbox = await TestSandbox.start();
  company = await sandbox.createCompany({
    name: 'Klient Test AS',
    bankAccountNumber: '12345678903',
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(async () => {
  clockOffsetMs = 0;
  await sandbox.setClock(0);
  await sandbox.setControls({ latencyMs: 0, rateLimit: { limit: 100000, windowSeconds: 3600 } });
});

describe('sessions', () => {
  it('creates a session token, authenticates with it, and reads who the token belongs to', async () => {
    const client = newClient();
    const tx = forCompany(client);
    const me = await tx.whoAmI();
    expect(me.companyId).toBe(company.companyId);
    expect((await tx.getCompany(company.companyId)).name).toBe('Klient Test AS');
    client.close();
  });

  it('creates one session for many concurrent calls and reuses it', async () => {
    const fresh = await sandbox.createCompany({ name: 'Én Sesjon AS' });
    const client = newClient();
    const tx = forCompany(client, fresh);
    await Promise.all(Array.from({ length: 8 }, () => tx.whoAmI()));
    await tx.listAccounts({ number: '1920' });
    // Session creation has no company in the request log; count via the session's own calls.
    expect((await sandbox.requests(fresh.companyId)).length).toBe(9);
    expect(await countCalls(undefined, 'TokenSessionCreate_create')).toBeGreaterThanOrEqual(1);
    client.close();
  });

  it('renews the session before it expires', async () => {
    const fresh = await sandbox.createCompany({ name: 'Fornyelse AS' });
    const client = newClient();
    const tx = forCompany(client, fresh);
    const before = await countCalls(undefined, 'TokenSessionCreate_create');
    await tx.whoAmI();
    // Eight days on, the first session has expired on the server: the client must not use it.
    clockOffsetMs = 8 * 24 * 3600 * 1000;
    await sandbox.setClock(clockOffsetMs);
    await tx.whoAmI();
    expect((await countCalls(undefined, 'TokenSessionCreate_create')) - before).toBe(2);
    expect((await sandbox.requests(fresh.companyId)).filter((r) => r.status === 401)).toEqual([]);
    client.close();
  });

  it('creates a new session once when Tripletex answers 401, and carries on', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.revokeSessions();
    expect((await tx.whoAmI()).companyId).toBe(company.companyId);
    // The refused call has no company in the log: it never got past authentication.
    const whoAmIs = (await sandbox.requests()).filter(
      (r) => r.operationId === 'TokenSessionWhoAmI_whoAmI',
    );
    expect(whoAmIs.slice(-2).map((r) => r.status)).toEqual([401, 200]);
    client.close();
  });

  it('fails with the consumer token problem Tripletex names', async () => {
    const client = newClient({ consumerToken: 'not-the-deployments-token' });
    const error = await caught(forCompany(client).whoAmI());
    expect(error.kind).toBe('validation');
    expect(error.validationMessages).toEqual([
      { field: 'arg:consumerToken', message: 'The consumer token is invalid or does not exist.' },
    ]);
    client.close();
  });

  it('fails, without retrying forever, when the employee token is invalid', async () => {
    const client = newClient();
    const error = await caught(
      client.company({ key: 'bad', employeeToken: 'no-such-employee-token' }).whoAmI(),
    );
    expect(error.kind).toBe('validation');
    expect(error.validationMessages[0].field).toBe('arg:employeeToken');
    client.close();
  });

  it('reports a final 401 as unauthorized after one fresh session did not help', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 401,
      pathPrefix: '/token/session/>whoAmI',
      count: 2,
    });
    const error = await caught(tx.whoAmI());
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    client.close();
  });
});

describe('paging', () => {
  it('reads every customer page by page without loading them all at once', async () => {
    const paged = await sandbox.createCompany({ name: 'Mange Kunder AS' });
    await sandbox.addCustomers(
      paged.companyId,
      Array.from({ length: 25 }, (_, i) => ({ name: `Kunde ${String(i).padStart(2, '0')}` })),
    );
    await sandbox.addCustomers(paged.companyId, [{ name: 'Sovende Kunde', isInactive: true }]);
    const client = newClient();
    const tx = forCompany(client, paged);
    const names: string[] = [];
    for await (const customer of tx.iterateCustomers({ fields: 'id,name' }, 10))
      names.push(customer.name as string);
    expect(names).toHaveLength(25);
    expect(new Set(names).size).toBe(25);
    expect(await countCalls(paged.companyId, 'Customer_search')).toBe(3);
    const inactive = [];
    for await (const c of tx.iterateCustomers({ isInactive: true }, 10)) inactive.push(c.name);
    expect(inactive).toEqual(['Sovende Kunde']);
    client.close();
  });
});

describe('errors', () => {
  it('maps 422 with every validation message, the Tripletex code and the request id', async () => {
    const client = newClient();
    const error = await caught(
      // A body the types forbid, as a hostile or buggy caller would send it.
      forCompany(client).createCustomer({
        name: 'X',
        quantity: 2,
        isInactive: 'no',
      } as unknown as Customer),
    );
    expect(error).toMatchObject({
      kind: 'validation',
      status: 422,
      tlxCode: 16000,
      retriable: false,
    });
    expect(error.validationMessages).toEqual([
      { field: 'quantity', message: 'Feltet eksisterer ikke i objektet.' },
      { field: 'isInactive', message: 'Verdien er ikke av korrekt type for dette feltet.' },
    ]);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain('quantity: Feltet eksisterer ikke i objektet.');
    client.close();
  });

  it.each([
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [400, 'bad-request'],
  ])('maps %i to %s, final', async (status, kind) => {
    const client = newClient();
    await sandbox.addFault({ kind: 'status', status, pathPrefix: '/ledger/account', count: 1 });
    const error = await caught(forCompany(client).listAccounts());
    expect(error).toMatchObject({ kind, status, retriable: false });
    client.close();
  });

  it('maps a missing object to not-found', async () => {
    const client = newClient();
    expect((await caught(forCompany(client).getCustomer(424242))).kind).toBe('not-found');
    client.close();
  });
});

describe('pacing', () => {
  it('spends each window’s calls and then waits for its end, drawing no 429', async () => {
    const client = newClient({ maxConcurrentPerCompany: 4 });
    const paced = await sandbox.createCompany({
      name: 'Takt AS',
      bankAccountNumber: '12345678903',
    });
    const tx = forCompany(client, paced);
    await tx.whoAmI();
    await sandbox.setControls({ latencyMs: 20, rateLimit: { limit: 5, windowSeconds: 1 } });

    await Promise.all(Array.from({ length: 12 }, () => tx.listAccounts({ number: '1920' })));

    const calls = await sandbox.requests(paced.companyId);
    expect(calls.filter((call) => call.status === 429)).toEqual([]);
    expect(calls.filter((call) => call.operationId === 'LedgerAccount_search')).toHaveLength(12);
    client.close();
  });

  it('does not send a call the window has no room for when its end is beyond the retry policy’s time: it fails rate-limited, retriable', async () => {
    const client = newClient({ retry: { maxTotalMs: 5000 } });
    const paced = await sandbox.createCompany({
      name: 'Timegrense AS',
      bankAccountNumber: '12345678903',
    });
    const tx = forCompany(client, paced);
    await tx.whoAmI(); // the session first: its creation is limited by another key
    await sandbox.setControls({ rateLimit: { limit: 2, windowSeconds: 3600 } });
    await tx.listAccounts({ number: '1920' }); // the window's second call: none left

    const error = await caught(tx.listAccounts({ number: '1920' }));

    expect(error).toMatchObject({ kind: 'rate-limited', retriable: true });
    expect(error.retryAfterMs).toBeGreaterThan(5000);
    expect(await countCalls(paced.companyId, 'LedgerAccount_search')).toBe(1);
    client.close();
  });
});

describe('retries', () => {
  it('waits for the rate-limit reset Tripletex gives on 429, then succeeds', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      pathPrefix: '/ledger/account',
      count: 1,
    });
    const started = Date.now();
    await tx.listAccounts({ number: '1920' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // X-Rate-Limit-Reset: 1 (s)
    client.close();
  });

  it('backs off on a 429 without X-Rate-Limit-Reset and succeeds', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      pathPrefix: '/ledger/account',
      omitResetHeader: true,
      count: 2,
    });
    await expect(tx.listAccounts({ number: '1920' })).resolves.toMatchObject({
      values: [expect.objectContaining({ number: 1920 })],
    });
    client.close();
  });

  it('gives up on a rate limit that never lifts, with a retriable error', async () => {
    const client = newClient({ retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      pathPrefix: '/ledger/account',
      omitResetHeader: true,
      count: 3,
    });
    const error = await caught(tx.listAccounts());
    expect(error).toMatchObject({ kind: 'rate-limited', retriable: true });
    client.close();
  });

  it('retries a read through 5xx and a dropped connection, then succeeds', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 503,
      pathPrefix: '/ledger/vatType',
      count: 1,
    });
    await sandbox.addFault({
      kind: 'status',
      status: 500,
      pathPrefix: '/ledger/vatType',
      count: 1,
    });
    await sandbox.addFault({ kind: 'drop', pathPrefix: '/ledger/vatType', count: 1 });
    const vat = await tx.outgoingVatType('33');
    expect(vat).toMatchObject({ id: 32, number: '33', percentage: 12 });
    client.close();
  });

  it('retries a read that timed out', async () => {
    const client = newClient({ timeoutMs: 300 });
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.setControls({ faults: { hangMs: 1000 } });
    await sandbox.addFault({ kind: 'timeout', pathPrefix: '/ledger/account', count: 1 });
    await expect(tx.listAccounts({ number: '1500' })).resolves.toMatchObject({
      values: [expect.objectContaining({ number: 1500 })],
    });
    client.close();
  });

  it('never re-sends a create after a 5xx or a timeout: it reports the outcome as unknown', async () => {
    const client = newClient({ timeoutMs: 300 });
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 500,
      method: 'POST',
      pathPrefix: '/customer',
      count: 1,
    });
    const error = await caught(tx.createCustomer({ name: 'Ukjent Utfall AS' }));
    expect(error).toMatchObject({ kind: 'unavailable', outcomeUnknown: true, retriable: true });
    await sandbox.setControls({ faults: { hangMs: 1000 } });
    await sandbox.addFault({ kind: 'timeout', method: 'POST', pathPrefix: '/customer', count: 1 });
    const timedOut = await caught(tx.createCustomer({ name: 'Ukjent Utfall AS' }));
    expect(timedOut).toMatchObject({ kind: 'unavailable', outcomeUnknown: true, status: 0 });
    const posts = (await sandbox.requests(company.companyId)).filter(
      (r) => r.operationId === 'Customer_post',
    );
    expect(posts).toHaveLength(1); // the timed-out one reached the handler stage only once
    client.close();
  });

  it('does re-send a create that was refused with 429 (Tripletex did not act on it)', async () => {
    const client = newClient();
    const tx = forCompany(client);
    await tx.whoAmI();
    await sandbox.addFault({
      kind: 'status',
      status: 429,
      method: 'POST',
      pathPrefix: '/customer',
      count: 1,
    });
    await expect(tx.createCustomer({ name: 'Etter Køen AS' })).resolves.toMatchObject({
      name: 'Etter Køen AS',
    });
    client.close();
  });
});

describe('limits and logs', () => {
  it('keeps at most maxConcurrentPerCompany requests of one company in flight', async () => {
    const busy = await sandbox.createCompany({ name: 'Travel AS' });
    const client = newClient({ maxConcurrentPerCompany: 2 });
    const tx = forCompany(client, busy);
    await tx.whoAmI();
    await sandbox.setControls({ latencyMs: 50 });
    await Promise.all(Array.from({ length: 10 }, () => tx.listVoucherTypes()));
    expect(await sandbox.peakConcurrency(busy.companyId)).toBe(2);
    client.close();
  });

  it('says whether the company can invoice (a bank account number is registered)', async () => {
    const noBank = await sandbox.createCompany({ name: 'Uten Bank AS', bankAccountNumber: null });
    const client = newClient();
    expect((await forCompany(client).bankAccountStatus()).registered).toBe(true);
    expect(await forCompany(client, noBank).bankAccountStatus()).toMatchObject({
      registered: false,
      accounts: expect.arrayContaining([expect.objectContaining({ number: 1920 })]),
    });
    client.close();
  });

  it('logs method, path, status, duration and request id of each call, never a token', () => {
    const calls = logLines.filter((l) => l.includes('Tripletex GET /token/session/>whoAmI'));
    expect(calls.length).toBeGreaterThan(0);
    expect(JSON.parse(calls[0])[0]).toEqual(
      expect.objectContaining({
        method: 'GET',
        path: '/token/session/>whoAmI',
        status: expect.any(Number),
        durationMs: expect.any(Number),
      }),
    );
    const all = logLines.join('\n');
    expect(all).not.toContain(company.employeeToken);
    expect(all).not.toContain(sandbox.consumerToken);
    expect(all).not.toMatch(/consumerToken=|employeeToken=/);
  });
});
