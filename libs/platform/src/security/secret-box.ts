import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';
import { secrets } from '../logging/secret-scrubber';

/** A secret as stored and carried: which key encrypted it, and base64url(iv ‖ ciphertext ‖ tag). */
export interface EncryptedSecret {
  keyId: string;
  value: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Parses `ENCRYPTION_KEYS`: `id1:base64key,id2:base64key`, each key 32 bytes (AES-256).
 * Throws naming the bad entry, never printing a key.
 */
export function parseKeyRing(text: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw new Error('each ENCRYPTION_KEYS entry must be <key id>:<base64 key>');
    }
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32)
      throw new Error(`ENCRYPTION_KEYS entry "${id}" must be 32 bytes, base64-encoded`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new Error('ENCRYPTION_KEYS holds no key');
  return keys;
}

/**
 * AES-256-GCM with a key ring: new secrets are sealed with the active key, old ones still open
 * with the key they name, so keys rotate without a flag day. The associated data (e.g. the
 * companyId) binds a ciphertext to its owner: moved to another company it no longer opens.
 */
export class SecretBox {
  constructor(
    private readonly keys: Map<string, Buffer>,
    readonly activeKeyId: string,
  ) {
    if (!keys.has(activeKeyId))
      throw new Error(`the active key "${activeKeyId}" is not in the key ring`);
  }

  static fromConfig(keyRing: string, activeKeyId: string): SecretBox {
    return new SecretBox(parseKeyRing(keyRing), activeKeyId);
  }

  /** Encrypts a secret to be stored; from now on it is scrubbed from every log line. */
  seal(plaintext: string, associatedData: string): EncryptedSecret {
    secrets.track(`sealed:${associatedData}`, plaintext);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.activeKeyId,
      value: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url'),
    };
  }

  open(secret: EncryptedSecret, associatedData: string): string {
    const key = this.keys.get(secret.keyId);
    if (!key) {
      throw new AppError(
        'SECRETS.UNKNOWN_KEY',
        `no encryption key "${secret.keyId}" is configured (ENCRYPTION_KEYS)`,
      );
    }
    const raw = Buffer.from(secret.value, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES)
      throw new AppError('SECRETS.CORRUPT', 'the encrypted secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    let plaintext: string;
    try {
      plaintext = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new AppError(
        'SECRETS.CORRUPT',
        'the encrypted secret does not open with its key (tampered or misplaced)',
      );
    }
    secrets.track(`sealed:${associatedData}`, plaintext);
    return plaintext;
  }

  /** Sealed with an older key: due for re-encryption with the active one. */
  isStale(secret: EncryptedSecret): boolean {
    return secret.keyId !== this.activeKeyId;
  }
}
