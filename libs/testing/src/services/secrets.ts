import { randomBytes } from 'node:crypto';
import { Actor } from '@pos-tripletex/platform';
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

/**
 * A BackOffice JWT for a company, as BackOffice would issue it: `sub` is `user-of-<companyId>`
 * unless `subject` says otherwise (null: a token without `sub`).
 */
export function backOfficeJwt(
  jwtSecret: string,
  companyId: string,
  options: { expiresInSeconds?: number; subject?: string | null } = {},
): string {
  const sub = options.subject === undefined ? `user-of-${companyId}` : options.subject;
  return sign({ companyId, ...(sub === null ? {} : { sub }) }, jwtSecret, {
    algorithm: 'HS256',
    expiresIn: options.expiresInSeconds ?? 3600,
  });
}

/** The BackOffice user a medium test makes its changes as (the audit trail names them). */
export const testOperator = Actor.user({ companyId: 'any', subject: 'test-operator' });
