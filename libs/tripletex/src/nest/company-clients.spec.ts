import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SecretBindings, SecretBox } from '@pos-tripletex/platform';
import { tokenDigest } from '../client/session-tokens';
import { TripletexClient } from '../client/tripletex.client';
import { CompanyClients } from './company-clients';

describe(CompanyClients.name, () => {
  const box = SecretBox.fromConfig(`k1:${randomBytes(32).toString('base64')}`, 'k1');
  const tripletex = new TripletexClient({
    baseUrl: 'http://127.0.0.1:1/v2',
    consumerToken: 'consumer-token-for-tests',
  });
  const clients = new CompanyClients(tripletex, box);
  const missing = () => new Error('no token for this company');
  afterAll(() => tripletex.close());

  it('opens the token sealed for the company and keys the client by the company and a digest of the token', () => {
    const sealed = box.seal('employee-token-of-co-1', SecretBindings.tripletexToken('co-1'));
    const client = clients.forCompany('co-1', sealed, missing);
    expect(client.credentials).toEqual({
      key: `co-1:${tokenDigest('employee-token-of-co-1')}`,
      employeeToken: 'employee-token-of-co-1',
    });
    expect(client.credentials.key).not.toContain('employee-token-of-co-1');
  });

  it('throws the caller’s error when there is no token, or only half of one', () => {
    for (const sealed of [undefined, null, {}, { keyId: 'k1' }, { value: 'abc' }])
      expect(() => clients.forCompany('co-1', sealed, missing)).toThrow(
        'no token for this company',
      );
  });

  it('refuses a token sealed for another company, or a secret sealed for another purpose', () => {
    const sealed = box.seal('employee-token-of-co-1', SecretBindings.tripletexToken('co-1'));
    expect(() => clients.forCompany('co-2', sealed, missing)).toThrow('does not open');
    const webhookSecret = box.seal('a-webhook-secret', SecretBindings.webhookHmac('co-1'));
    expect(() => clients.forCompany('co-1', webhookSecret, missing)).toThrow('does not open');
  });

  describe('a company re-onboarded with a token of another Tripletex company', () => {
    // A tiny Tripletex: each employee token belongs to one Tripletex company; whoAmI answers the
    // company of the session it is called with.
    const companyOfToken: Record<string, number> = {
      'token-of-tripletex-1': 1,
      'token-of-tripletex-2': 2,
    };
    const sessions = new Map<string, number>();
    let created = 0;
    let server: Server;
    let live: TripletexClient;

    beforeAll(async () => {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        res.setHeader('Content-Type', 'application/json');
        if (url.pathname === '/v2/token/session/:create') {
          const company = companyOfToken[url.searchParams.get('employeeToken') ?? ''];
          const token = `session${++created}`;
          sessions.set(token, company);
          res.end(JSON.stringify({ value: { token, expirationDate: '2999-01-01' } }));
          return;
        }
        const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':')[1];
        const company = sessions.get(auth ?? '');
        if (company === undefined) {
          res.statusCode = 401;
          res.end(JSON.stringify({ status: 401, code: 3000, message: 'Unauthorized' }));
          return;
        }
        res.end(JSON.stringify({ value: { companyId: company, employeeId: company * 10 } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      live = new TripletexClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`,
        consumerToken: 'consumer-token-for-tests',
        retry: { maxAttempts: 1 },
        logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      });
    });
    afterAll(async () => {
      live.close();
      await new Promise((resolve) => server.close(resolve));
    });

    it('uses a session of the new Tripletex company on the next call, without anyone forgetting the old one', async () => {
      // As another service holds it: it only ever sees the settings' sealed token change.
      const service = new CompanyClients(live, box);
      const before = service.forCompany(
        'co-9',
        box.seal('token-of-tripletex-1', SecretBindings.tripletexToken('co-9')),
        missing,
      );
      expect((await before.whoAmI()).companyId).toBe(1);
      expect((await before.whoAmI()).companyId).toBe(1);
      expect(created).toBe(1); // the session is cached

      const after = service.forCompany(
        'co-9',
        box.seal('token-of-tripletex-2', SecretBindings.tripletexToken('co-9')),
        missing,
      );
      expect((await after.whoAmI()).companyId).toBe(2);
      expect(created).toBe(2);
      // Even a client made before the change, with the old key, never gets the other's session.
      expect((await before.whoAmI()).companyId).toBe(1);
    });

    it('keeps one session per token even when callers use the same key', async () => {
      const start = created;
      const a = live.company({ key: 'shared-key', employeeToken: 'token-of-tripletex-1' });
      const b = live.company({ key: 'shared-key', employeeToken: 'token-of-tripletex-2' });
      expect((await a.whoAmI()).companyId).toBe(1);
      expect((await b.whoAmI()).companyId).toBe(2);
      expect(created - start).toBe(2);
    });
  });
});
