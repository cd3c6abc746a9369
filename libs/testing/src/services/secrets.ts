import type { EncryptedSecret } from '@pos-tripletex/platform';
import { Actor } from '@pos-tripletex/platform';
import { createCipheriv, randomBytes } from 'node:crypto';
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
/** A fresh key for a ring: `id:base64(32 bytes)`. */
export function aKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * A secret sealed the way SecretBox sealed before purposes were bound (the legacy format: no
 * `v2.` prefix, associated data = the companyId alone), with the key `keyId` of `keyRing` – a
 * value stored or published by an earlier release.
 */
export function sealLegacy(
  keyRing: string,
  keyId: string,
  plaintext: string,
  companyId: string,
): EncryptedSecret {
  const entry = keyRing.split(',').find((e) => e.trim().startsWith(`${keyId}:`));
  if (!entry) throw new Error(`no key ${keyId} in the ring`);
  const key = Buffer.from(entry.slice(entry.indexOf(':') + 1), 'base64');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(companyId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    keyId,
    value: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url'),
  };
}
