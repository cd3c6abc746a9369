import { SecretRegistry } from '../logging/secret-scrubber';
import { auditChange, changedFields, REDACTED, redactSecrets } from './audit-changes';

const TOKEN = 'eyJ0b2tlbiI6ImVtcGxveWVlIn0=-a1b2c3d4e5f6';
const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwiY29tcGFueUlkIjoiY29fMSJ9.c2lnbmF0dXJlLWJ5dGVz';

/** Every string anywhere in a value (field names included). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => [key, ...strings(child)]);
  return [];
}

describe(changedFields.name, () => {
  it('keeps only the fields that differ, nested objects field by field', () => {
    const before = {
      status: 'ACTIVE',
      startDate: '2026-01-01',
      invoicing: { enabled: false, sendToCustomer: true, collective: { cadence: 'MONTHLY' } },
    };
    const after = {
      status: 'ACTIVE',
      startDate: '2026-01-01',
      invoicing: { enabled: true, sendToCustomer: true, collective: { cadence: 'WEEKLY' } },
    };
    expect(changedFields(before, after)).toEqual({
      before: { invoicing: { enabled: false, collective: { cadence: 'MONTHLY' } } },
      after: { invoicing: { enabled: true, collective: { cadence: 'WEEKLY' } } },
    });
  });

  it('shows a changed list whole on both sides', () => {
    const before = {
      paymentMethods: [
        { id: 'card', account: 1920 },
        { id: 'vipps', account: 1921 },
      ],
    };
    const after = {
      paymentMethods: [
        { id: 'card', account: 1930 },
        { id: 'vipps', account: 1921 },
      ],
    };
    expect(changedFields(before, after)).toEqual({ before, after });
  });

  it('puts a field that appeared or disappeared on one side only', () => {
    expect(changedFields({ a: 1, gone: 'x' }, { a: 1, added: 'y' })).toEqual({
      before: { gone: 'x' },
      after: { added: 'y' },
    });
  });

  it('finds nothing changed when only the order of fields differs (as jsonb reorders them)', () => {
    expect(
      changedFields(
        { list: [{ accountId: 1, name: 'Kort' }], b: { x: 1, y: 2 } },
        { b: { y: 2, x: 1 }, list: [{ name: 'Kort', accountId: 1 }] },
      ),
    ).toBeNull();
  });
});

describe(auditChange.name, () => {
  const registry = new SecretRegistry();

  it('is null when nothing changed, and an empty change when asked to record it anyway', () => {
    const state = { startDate: '2026-01-01', at: new Date('2026-01-01T00:00:00Z') };
    expect(auditChange(state, { ...state }, { registry })).toBeNull();
    expect(auditChange(state, { ...state }, { registry, always: true })).toEqual({
      before: {},
      after: {},
    });
  });

  it('says that a secret changed without storing either value', () => {
    const change = auditChange(
      { tokenCiphertext: 'v1.old-ciphertext', companyName: 'A' },
      { tokenCiphertext: 'v1.new-ciphertext', companyName: 'A' },
      { registry },
    );
    expect(change).toEqual({
      before: { tokenCiphertext: REDACTED },
      after: { tokenCiphertext: REDACTED },
    });
  });

  it('never stores a secret, whatever shape it hides in', () => {
    const hostile = {
      employeeToken: TOKEN,
      EMPLOYEE_TOKEN: TOKEN,
      'x-api-key': 'k-1234567890',
      headers: { Authorization: `Bearer ${JWT}`, cookie: 'sid=abcdefgh12345' },
      nested: [[{ deeper: { sessionToken: { value: TOKEN } } }]],
      tokens: [TOKEN, TOKEN],
      webhookSecret: 123456789,
      note: `the operator pasted ${TOKEN} into a name`,
      jwtInText: `see ${JWT} here`,
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----',
      pem: 'x -----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY----- y',
      [TOKEN]: 'a secret as a field name',
      password: null,
      tokenStored: true,
    };
    const change = auditChange({}, hostile, { registry, secrets: [TOKEN] });
    const stored = strings(change);
    for (const secret of [TOKEN, JWT, 'k-1234567890', 'abcdefgh12345', 'MIIabc', 'MHcCAQEE'])
      expect(stored.filter((text) => text.includes(secret))).toEqual([]);
    expect(JSON.stringify(change)).not.toContain('123456789');
    // What is not secret is still readable.
    expect(change?.after).toMatchObject({
      note: `the operator pasted ${REDACTED} into a name`,
      tokenStored: true,
      password: null,
    });
  });

  it('removes the secrets the process registered (company tokens, deployment keys)', () => {
    const known = new SecretRegistry();
    known.track('employee-token:co_1', 'registered-employee-token-42');
    const change = auditChange(
      { name: 'old' },
      { name: 'registered-employee-token-42' },
      { registry: known },
    );
    expect(JSON.stringify(change)).not.toContain('registered-employee-token-42');
  });

  it('stores Dates as ISO strings and leaves out undefined fields', () => {
    expect(
      auditChange(
        { at: new Date('2026-01-01T00:00:00Z') },
        { at: new Date('2026-01-02T00:00:00Z'), maybe: undefined },
        { registry },
      ),
    ).toEqual({
      before: { at: '2026-01-01T00:00:00.000Z' },
      after: { at: '2026-01-02T00:00:00.000Z' },
    });
  });
});

describe(redactSecrets.name, () => {
  it('leaves ordinary settings as they are', () => {
    const settings = {
      startDate: '2026-01-01',
      paymentMethods: [{ paymentMethodId: 'card', accountNumber: 1920 }],
      invoicing: { enabled: true, sendType: 'EMAIL' },
      connection: { tripletexCompanyId: 42, verifiedAt: '2026-01-01T00:00:00.000Z' },
    };
    expect(redactSecrets(settings, [], new SecretRegistry())).toEqual(settings);
  });
});
