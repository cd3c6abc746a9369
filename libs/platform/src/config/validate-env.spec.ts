import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEVELOPMENT_SECRETS,
  developmentSecretsIn,
  EnvValidationError,
  KafkaServiceEnv,
  loadDatabaseEnv,
  loadEnv,
  TripletexServiceEnv,
} from '../index';

class ExampleEnv extends KafkaServiceEnv {
  override HTTP_PORT = 3999;
  override DATABASE_SCHEMA = 'example';
}

const valid = {
  DATABASE_URL: 'postgres://pos:secret-password@127.0.0.1:5432/pos',
  KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
};

describe(loadEnv.name, () => {
  it('fills defaults, converts numbers and reads booleans strictly', () => {
    const env = loadEnv(ExampleEnv, 'example', {
      ...valid,
      HTTP_PORT: '4000',
      DATABASE_SSL: 'false',
    });
    expect(env.HTTP_PORT).toBe(4000);
    expect(env.DATABASE_SSL).toBe(false);
    expect(env.DATABASE_SCHEMA).toBe('example');
    expect(env.KAFKA_TOPIC_PARTITIONS).toBe(6);
  });

  it('keeps only the variables the service declares', () => {
    const env = loadEnv(ExampleEnv, 'example', { ...valid, PATH: '/usr/bin', HOME: '/root' });
    expect(Object.keys(env)).not.toContain('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv(ExampleEnv, 'example', { ...valid, HTTP_PORT: '' }).HTTP_PORT).toBe(3999);
  });

  it('names every missing or invalid variable and never prints a value', () => {
    let error: unknown;
    try {
      loadEnv(ExampleEnv, 'example', {
        DATABASE_URL: 'mysql://user:hunter2-secret@db/x',
        HTTP_PORT: 'eighty',
        DATABASE_SSL: 'yes-please',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    const e = error as EnvValidationError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual(
      ['DATABASE_SSL', 'DATABASE_URL', 'HTTP_PORT', 'KAFKA_BROKERS'].sort(),
    );
    expect(e.message).toContain('Invalid configuration for example');
    expect(e.message).toContain('KAFKA_BROKERS: must be a comma-separated list of host:port');
    expect(e.message).not.toContain('hunter2-secret');
    expect(e.message).not.toContain('eighty');
  });
});

/**
 * A production deployment's settings with fresh secrets (none published in this repository):
 * each describe below changes only what it is about.
 */
const deployment = {
  DATABASE_URL: 'postgres://postgres:6f1c0c2d9e@db:5432/pos',
  KAFKA_BROKERS: 'kafka:9092',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_USERNAME: 'invoicing',
  KAFKA_SASL_PASSWORD: '9c1f5e0d7b3a46e2b8f0',
  ENCRYPTION_KEYS: 'k2026:q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=',
  ENCRYPTION_ACTIVE_KEY_ID: 'k2026',
  TRIPLETEX_CONSUMER_TOKEN: 'consumer-token-of-the-deployment',
  TRIPLETEX_BASE_URL: 'https://tripletex.no/v2',
};

describe('development secrets in production', () => {
  class SecretEnv extends TripletexServiceEnv {
    override DATABASE_SCHEMA = 'example';
  }
  const fresh = {
    ...deployment,
    AUTH_JWT_SECRET: 'b1946ac92492d2347c6235b4d2611184b1946ac92492d234',
    // HS256 in production only when chosen (the token settings have their own describe).
    AUTH_JWT_ALLOW_HS256: 'true',
  };
  const published = {
    KAFKA_SASL_PASSWORD: DEVELOPMENT_SECRETS.KAFKA_SASL_PASSWORD[3],
    AUTH_JWT_SECRET: DEVELOPMENT_SECRETS.AUTH_JWT_SECRET[0],
    ENCRYPTION_KEYS: `k2026:${fresh.ENCRYPTION_KEYS.split(':')[1]},local1:${DEVELOPMENT_SECRETS.ENCRYPTION_KEYS[0]}`,
    DATABASE_URL: `postgres://postgres:${DEVELOPMENT_SECRETS.DATABASE_URL[0]}@db:5432/pos`,
  };

  it('refuses each published secret by name, says how to make one, and never prints it', () => {
    for (const [variable, value] of Object.entries(published)) {
      let error: unknown;
      try {
        loadEnv(SecretEnv, 'example', { ...fresh, NODE_ENV: 'production', [variable]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EnvValidationError);
      const e = error as EnvValidationError;
      expect(e.problems.map((p) => p.variable)).toEqual([variable]);
      expect(e.message).toContain('npm run secrets');
      expect(e.message).not.toContain(value);
      expect(e.message).not.toContain(DEVELOPMENT_SECRETS.ENCRYPTION_KEYS[0]);
    }
  });

  it('names all of them at once', () => {
    expect(() =>
      loadEnv(SecretEnv, 'example', { ...fresh, ...published, NODE_ENV: 'production' }),
    ).toThrow(/AUTH_JWT_SECRET[\s\S]*ENCRYPTION_KEYS[\s\S]*DATABASE_URL/);
  });

  it('accepts them outside production, and fresh ones in production', () => {
    expect(loadEnv(SecretEnv, 'example', { ...fresh, ...published }).NODE_ENV).toBe('development');
    expect(loadEnv(SecretEnv, 'example', { ...fresh, NODE_ENV: 'production' }).NODE_ENV).toBe(
      'production',
    );
  });

  it('checks the migrate step’s database password too', () => {
    expect(() =>
      loadDatabaseEnv(SecretEnv, 'example', {
        NODE_ENV: 'production',
        DATABASE_URL: published.DATABASE_URL,
      }),
    ).toThrow(/DATABASE_URL: the password/);
  });
});

describe('the development secrets this repository publishes', () => {
  const root = `${__dirname}/../../../..`;
  const compose = readFileSync(`${root}/docker-compose.yml`, 'utf8');
  const defaultOf = (name: string) =>
    [...compose.matchAll(new RegExp(`\\$\\{${name}:-([^}]*)\\}`, 'g'))].map((m) => m[1]);
  const exampleValues = readdirSync(`${root}/services`).flatMap((service) => {
    try {
      return [readFileSync(`${root}/services/${service}/.env.example`, 'utf8')];
    } catch {
      return [];
    }
  });
  const valueIn = (text: string, name: string) =>
    new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1]?.trim();

  it('are all refused in production: compose defaults and the services’ .env.example files', () => {
    const published = [
      ...defaultOf('AUTH_JWT_SECRET').map((v) => ({ AUTH_JWT_SECRET: v })),
      ...defaultOf('ENCRYPTION_KEYS').map((v) => ({ ENCRYPTION_KEYS: v })),
      ...['ONBOARDING', 'SALES_EXPORT', 'CUSTOMER_SYNC', 'INVOICING'].flatMap((service) =>
        defaultOf(`KAFKA_${service}_PASSWORD`).map((v) => ({ KAFKA_SASL_PASSWORD: v })),
      ),
      ...defaultOf('POSTGRES_PASSWORD').map((v) => ({
        DATABASE_URL: `postgres://postgres:${v}@postgres:5432/pos_tripletex`,
      })),
      ...exampleValues.flatMap((text) =>
        (['AUTH_JWT_SECRET', 'ENCRYPTION_KEYS'] as const)
          .map((name) => [name, valueIn(text, name)] as const)
          .filter(([, v]) => v)
          .map(([name, v]) => ({ [name]: v })),
      ),
    ];
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const source of published) expect(developmentSecretsIn(source)).toHaveLength(1);
  });
});

describe('BackOffice token verification settings', () => {
  class TokenEnv extends TripletexServiceEnv {
    override DATABASE_SCHEMA = 'example';
  }
  const base = deployment;
  const secret = 'b1946ac92492d2347c6235b4d2611184b1946ac92492d234';
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const refusal = (env: Record<string, string>): string => {
    try {
      loadEnv(TokenEnv, 'example', { ...base, ...env });
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('needs a way to verify tokens', () => {
    expect(refusal({})).toContain('BackOffice tokens cannot be verified');
  });

  it('takes HS256 in production only when it is chosen explicitly', () => {
    expect(refusal({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret })).toContain(
      'AUTH_JWT_SECRET (HS256) is a development option',
    );
    expect(
      refusal({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, AUTH_JWT_ALLOW_HS256: 'true' }),
    ).toBe('');
    expect(refusal({ AUTH_JWT_SECRET: secret })).toBe('');
  });

  it('wants the issuer and audience with public keys in production, a JWKS over https, and a readable key', () => {
    const jwks = { NODE_ENV: 'production', AUTH_JWT_JWKS_URL: 'https://id.example/jwks.json' };
    expect(refusal(jwks)).toContain('AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE must be set');
    expect(
      refusal({ ...jwks, AUTH_JWT_ISSUER: 'https://id.example/', AUTH_JWT_AUDIENCE: 'pos' }),
    ).toBe('');
    expect(
      refusal({
        ...jwks,
        AUTH_JWT_JWKS_URL: 'http://id.example/jwks.json',
        AUTH_JWT_ISSUER: 'https://id.example/',
        AUTH_JWT_AUDIENCE: 'pos',
      }),
    ).toContain('AUTH_JWT_JWKS_URL: must be an https:// URL');
    expect(refusal({ AUTH_JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') })).toBe('');
    expect(refusal({ AUTH_JWT_PUBLIC_KEY: 'not a key' })).toContain(
      'AUTH_JWT_PUBLIC_KEY: must be a PEM public key',
    );
  });
});

describe('Kafka connection security settings', () => {
  const base = { ...valid, NODE_ENV: 'development' };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadEnv(ExampleEnv, 'example', env);
      return [];
    } catch (error) {
      return (error as EnvValidationError).problems.flatMap((p) =>
        p.messages.map((m) => `${p.variable} ${m}`),
      );
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'client.key');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to an open connection outside production and takes SASL with its credentials', () => {
    expect(problemsOf(base)).toEqual([]);
    const env = loadEnv(ExampleEnv, 'example', {
      ...base,
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: 'invoicing',
      KAFKA_SASL_PASSWORD: 'pw-of-invoicing',
    });
    expect(env.KAFKA_SASL_MECHANISM).toBe('PLAIN');
  });

  it('refuses an open connection in production, and SASL without a user name or password', () => {
    expect(problemsOf({ ...base, NODE_ENV: 'production' }).join()).toMatch(
      /KAFKA_SECURITY_PROTOCOL=PLAINTEXT .* refused with NODE_ENV=production/,
    );
    expect(problemsOf({ ...base, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }).join()).toMatch(
      /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with SASL_SSL/,
    );
    expect(problemsOf({ ...base, KAFKA_SECURITY_PROTOCOL: 'TLS' }).join()).toMatch(
      /KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/,
    );
    expect(
      problemsOf({
        ...base,
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISM: 'GSSAPI',
      }).join(),
    ).toMatch(/KAFKA_SASL_MECHANISM must be one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN/);
  });

  it('checks the TLS files: readable PEM, a certificate with its key, only with a TLS protocol', () => {
    expect(
      problemsOf({ ...base, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: notPem }).join(),
    ).toMatch(/KAFKA_SSL_CA_FILE must name a readable PEM file with a certificate/);
    expect(
      problemsOf({ ...base, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_KEY_FILE: keyFile }).join(),
    ).toMatch(/KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/);
    expect(problemsOf({ ...base, KAFKA_SSL_KEY_FILE: keyFile }).join()).toMatch(
      /KAFKA_SSL_KEY_FILE set but PLAINTEXT uses no TLS/,
    );
    expect(
      problemsOf({
        ...base,
        KAFKA_SECURITY_PROTOCOL: 'SSL',
        KAFKA_SSL_KEY_FILE: `${dir}/missing.pem`,
      }).join(),
    ).toMatch(/KAFKA_SSL_KEY_FILE must name a readable PEM file with a private key/);
    expect(
      problemsOf({
        ...base,
        NODE_ENV: 'production',
        KAFKA_SECURITY_PROTOCOL: 'SSL',
        KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      }).join(),
    ).toMatch(/KAFKA_SSL_REJECT_UNAUTHORIZED=false is refused with NODE_ENV=production/);
  });

  it('never prints the SASL password', () => {
    const password = 'super-secret-kafka-password';
    const problems = problemsOf({
      ...base,
      NODE_ENV: 'production',
      KAFKA_SASL_PASSWORD: password,
    });
    expect(problems.join()).toMatch(/uses no SASL/);
    expect(problems.join()).not.toContain(password);
  });
});

describe('what is public: the admin listener, metrics and docs', () => {
  const problems = (env: Record<string, string>): Record<string, string[]> => {
    try {
      loadEnv(ExampleEnv, 'example', { ...valid, ...env });
    } catch (error) {
      return Object.fromEntries(
        (error as EnvValidationError).problems.map((p) => [p.variable, p.messages]),
      );
    }
    return {};
  };

  it('keeps metrics and docs on an admin listener bound to loopback by default', () => {
    const env = loadEnv(ExampleEnv, 'example', valid);
    expect(env).toMatchObject({
      ADMIN_HTTP_HOST: '127.0.0.1',
      ADMIN_HTTP_PORT: 9000,
      METRICS_EXPOSURE: 'admin',
      API_DOCS_EXPOSURE: 'admin',
    });
    expect(
      loadEnv(ExampleEnv, 'example', {
        ...valid,
        ADMIN_HTTP_HOST: '0.0.0.0',
        ADMIN_HTTP_PORT: '9464',
        METRICS_EXPOSURE: 'public',
        API_DOCS_EXPOSURE: 'off',
      }),
    ).toMatchObject({
      ADMIN_HTTP_PORT: 9464,
      METRICS_EXPOSURE: 'public',
      API_DOCS_EXPOSURE: 'off',
    });
  });

  it('refuses the public port as the admin port (0 twice is two free ports)', () => {
    expect(problems({ HTTP_PORT: '4000', ADMIN_HTTP_PORT: '4000' })).toEqual({
      ADMIN_HTTP_PORT: ['must differ from HTTP_PORT: the admin listener is never the public one'],
    });
    expect(problems({ ADMIN_HTTP_PORT: '3999' })).toHaveProperty('ADMIN_HTTP_PORT');
    expect(problems({ HTTP_PORT: '0', ADMIN_HTTP_PORT: '0' })).toEqual({});
  });

  it('refuses values that are not a mode, a port or a host, naming each', () => {
    expect(
      Object.keys(
        problems({
          METRICS_EXPOSURE: 'everywhere',
          API_DOCS_EXPOSURE: 'true',
          ADMIN_HTTP_PORT: '70000',
          ADMIN_HTTP_HOST: 'not a host!',
        }),
      ).sort(),
    ).toEqual(['ADMIN_HTTP_HOST', 'ADMIN_HTTP_PORT', 'API_DOCS_EXPOSURE', 'METRICS_EXPOSURE']);
    expect(problems({ METRICS_EXPOSURE: 'internal' })).toEqual({
      METRICS_EXPOSURE: ['must be public, admin or off'],
    });
    expect(problems({ ADMIN_HTTP_PORT: 'admin' })).toEqual({
      ADMIN_HTTP_PORT: ['must be a port number (0 picks a free one)'],
    });
    expect(problems({ ADMIN_HTTP_HOST: 'http://10.0.0.1' })).toEqual({
      ADMIN_HTTP_HOST: ['must be an IP address or a host name'],
    });
    for (const host of ['::1', '10.1.2.3', 'localhost', 'metrics.internal'])
      expect(problems({ ADMIN_HTTP_HOST: host })).toEqual({});
  });
});

describe('TRIPLETEX_BASE_URL in production', () => {
  class TripletexEnv extends TripletexServiceEnv {
    override DATABASE_SCHEMA = 'example';
  }
  const { TRIPLETEX_BASE_URL: _url, ...rest } = deployment;
  const production = {
    ...rest,
    NODE_ENV: 'production',
    AUTH_JWT_JWKS_URL: 'https://id.example/jwks.json',
    AUTH_JWT_ISSUER: 'https://id.example/',
    AUTH_JWT_AUDIENCE: 'pos',
  };
  const problems = (env: Record<string, string>): EnvValidationError['problems'] => {
    try {
      loadEnv(TripletexEnv, 'example', { ...production, ...env });
      return [];
    } catch (error) {
      if (error instanceof EnvValidationError) return error.problems;
      throw error;
    }
  };

  it('takes https', () => {
    expect(problems({ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2' })).toEqual([]);
    expect(problems({ TRIPLETEX_BASE_URL: 'https://api-test.tripletex.tech/v2' })).toEqual([]);
  });

  it('refuses http – the default, the sandbox’s – naming the variable and the opt-out', () => {
    for (const url of [undefined, 'http://tripletex-sandbox:3080/v2'])
      expect(problems(url ? { TRIPLETEX_BASE_URL: url } : {})).toEqual([
        {
          variable: 'TRIPLETEX_BASE_URL',
          messages: [expect.stringMatching(/https:\/\/.*TRIPLETEX_ALLOW_HTTP=true/)],
        },
      ]);
  });

  it('takes the sandbox over http only with TRIPLETEX_ALLOW_HTTP=true, and never the real Tripletex', () => {
    const sandbox = { TRIPLETEX_BASE_URL: 'http://tripletex-sandbox:3080/v2' };
    expect(problems({ ...sandbox, TRIPLETEX_ALLOW_HTTP: 'true' })).toEqual([]);
    for (const TRIPLETEX_BASE_URL of [
      'http://tripletex.no/v2',
      'http://api-test.tripletex.tech/v2',
    ])
      expect(problems({ TRIPLETEX_BASE_URL, TRIPLETEX_ALLOW_HTTP: 'true' })).toEqual([
        {
          variable: 'TRIPLETEX_BASE_URL',
          messages: [expect.stringContaining('https:// for Tripletex itself')],
        },
      ]);
  });

  it('takes http outside production (local runs and tests against the sandbox)', () => {
    for (const NODE_ENV of ['development', 'test'])
      expect(problems({ NODE_ENV, TRIPLETEX_BASE_URL: 'http://127.0.0.1:3080/v2' })).toEqual([]);
  });
});
