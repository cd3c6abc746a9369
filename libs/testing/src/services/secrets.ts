import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';

/** Fresh secrets for a service under test: a JWT secret and a one-key ring. Never reused. */
export function testSecrets(): { jwtSecret: string; env: Record<string, string> } {
  const jwtSecret = randomBytes(32).toString('hex');
  return {
    jwtSecret,
    env: {
      AUTH_JWT_SECRET: jwtSecret,
      ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
      ENCRYPTION_ACTIVE_KEY_ID: 'test1',
      TRIPLETEX_CONSUMER_TOKEN: 'test-consumer-token-0001',
    },
  };
}

/** A BackOffice JWT for a company, as BackOffice would issue it. */
export function backOfficeJwt(
  jwtSecret: string,
  companyId: string,
  options: { expiresInSeconds?: number } = {},
): string {
  return sign({ companyId, sub: `user-of-${companyId}` }, jwtSecret, {
    algorithm: 'HS256',
    expiresIn: options.expiresInSeconds ?? 3600,
  });
}
