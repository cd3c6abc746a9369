import { EnvValidationError, loadEnv } from '@pos-tripletex/platform';
import { CustomerSyncEnv } from './env.schema';

// Only the variables this rule is about; the rest come from a valid production-like environment.
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://cs@db.internal:5432/pos',
  KAFKA_BROKERS: 'kafka.internal:9092',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_USERNAME: 'customer-sync',
  KAFKA_SASL_PASSWORD: 'a-password-of-the-deployment',
  AUTH_JWT_JWKS_URL: 'https://id.example/.well-known/jwks.json',
  AUTH_JWT_ISSUER: 'https://id.example/',
  AUTH_JWT_AUDIENCE: 'pos-tripletex',
  ENCRYPTION_KEYS: 'k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=',
  ENCRYPTION_ACTIVE_KEY_ID: 'k2',
  TRIPLETEX_BASE_URL: 'https://tripletex.no/v2',
  TRIPLETEX_CONSUMER_TOKEN: 'production-consumer-token',
};

function problemsOf(source: Record<string, string>): EnvValidationError['problems'] {
  try {
    loadEnv(CustomerSyncEnv, 'customer-sync', source);
    return [];
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems;
    throw error;
  }
}

describe(CustomerSyncEnv.name, () => {
  it('accepts the production environment as given', () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it('refuses an http WEBHOOK_PUBLIC_URL in production, naming the variable', () => {
    const problems = problemsOf({ ...production, WEBHOOK_PUBLIC_URL: 'http://pos.example' });
    expect(problems).toEqual([
      { variable: 'WEBHOOK_PUBLIC_URL', messages: [expect.stringContaining('https://')] },
    ]);
    expect(() =>
      loadEnv(CustomerSyncEnv, 'customer-sync', {
        ...production,
        WEBHOOK_PUBLIC_URL: 'http://pos.example',
      }),
    ).toThrow(/WEBHOOK_PUBLIC_URL/);
  });

  it('accepts an https WEBHOOK_PUBLIC_URL in production, and none at all (polling only)', () => {
    expect(
      loadEnv(CustomerSyncEnv, 'customer-sync', {
        ...production,
        WEBHOOK_PUBLIC_URL: 'https://pos.example',
      }).WEBHOOK_PUBLIC_URL,
    ).toBe('https://pos.example');
    expect(loadEnv(CustomerSyncEnv, 'customer-sync', production).WEBHOOK_PUBLIC_URL).toBe('');
  });

  it('accepts http outside production (local runs and tests against the sandbox)', () => {
    for (const NODE_ENV of ['development', 'test'])
      expect(
        loadEnv(CustomerSyncEnv, 'customer-sync', {
          ...production,
          NODE_ENV,
          WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:3003',
        }).WEBHOOK_PUBLIC_URL,
      ).toBe('http://127.0.0.1:3003');
  });

  it('refuses what is no URL at all', () => {
    expect(problemsOf({ ...production, WEBHOOK_PUBLIC_URL: 'pos.example' })).toEqual([
      { variable: 'WEBHOOK_PUBLIC_URL', messages: [expect.stringContaining('http(s) base URL')] },
    ]);
  });
});
