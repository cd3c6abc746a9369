import { randomBytes } from 'node:crypto';
import { SecretBox } from '@pos-tripletex/platform';
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

  it('opens the token sealed for the company and keys the client by the company', () => {
    const sealed = box.seal('employee-token-of-co-1', 'co-1');
    const client = clients.forCompany('co-1', sealed, missing);
    expect(client.credentials).toEqual({ key: 'co-1', employeeToken: 'employee-token-of-co-1' });
  });

  it('throws the caller’s error when there is no token, or only half of one', () => {
    for (const sealed of [undefined, null, {}, { keyId: 'k1' }, { value: 'abc' }])
      expect(() => clients.forCompany('co-1', sealed, missing)).toThrow(
        'no token for this company',
      );
  });

  it('refuses a token sealed for another company', () => {
    const sealed = box.seal('employee-token-of-co-1', 'co-1');
    expect(() => clients.forCompany('co-2', sealed, missing)).toThrow();
  });
});
