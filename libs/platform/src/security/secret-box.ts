import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';
import { secrets } from '../logging/secret-scrubber';

/**
 * A secret as stored and carried: which key encrypted it, and `v2.` + base64url(iv ‖ ciphertext ‖
 * tag) (the legacy format, without the prefix, is described at SecretBox).
 */
export interface EncryptedSecret {
  keyId: string;
  value: string;
}

/** What a sealed secret is for: part of what it is bound to, so it opens for nothing else. */
export const SecretPurposes = {
  /** A company's Tripletex employee token (onboarding; a copy in integration.config.v1). */
  TRIPLETEX_TOKEN: 'tripletex-token',
  /** customer-sync: the value of our webhook subscriptions' secret header. */
  WEBHOOK_AUTH_HEADER: 'webhook-auth-header',
  /** customer-sync: the HMAC secret Tripletex signs webhook deliveries with. */
  WEBHOOK_HMAC: 'webhook-hmac',
} as const;
export type SecretPurpose = (typeof SecretPurposes)[keyof typeof SecretPurposes];

/** Whose secret it is and what for: the associated data a ciphertext is bound to. */
export interface SecretBinding {
  companyId: string;
  purpose: SecretPurpose;
}

/** The bindings of the secrets we keep, by purpose. */
export const SecretBindings = {
  tripletexToken: (companyId: string): SecretBinding => ({
    companyId,
    purpose: SecretPurposes.TRIPLETEX_TOKEN,
  }),
  webhookAuthHeader: (companyId: string): SecretBinding => ({
    companyId,
    purpose: SecretPurposes.WEBHOOK_AUTH_HEADER,
  }),
  webhookHmac: (companyId: string): SecretBinding => ({
    companyId,
    purpose: SecretPurposes.WEBHOOK_HMAC,
  }),
};

// WARNING: wire format – stored in every service's tables and carried in integration.config.v1.
// A new format gets a new prefix; values without a prefix are the legacy format (see SecretBox).
const FORMAT_V2 = 'v2.';

/**
 * SQL that is true when the secret in the columns `keyId`/`value` is stale: sealed with another
 * key than `activeKeyId` (a placeholder such as `$1`) or in the legacy format. For the re-seal
 * passes and the stale-secrets gauge; `value` NULL is never stale.
 */
export function staleSecretSql(keyId: string, value: string, activeKeyId: string): string {
  return `(${value} IS NOT NULL AND (${keyId} IS DISTINCT FROM ${activeKeyId} OR ${value} NOT LIKE '${FORMAT_V2}%'))`;
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

/** The associated data of the v2 format: the format, the purpose and the company. */
function associatedData(binding: SecretBinding): Buffer {
  return Buffer.from(
    JSON.stringify(['pos-tripletex', 2, binding.purpose, binding.companyId]),
    'utf8',
  );
}

/**
 * AES-256-GCM with a key ring: new secrets are sealed with the active key, old ones still open
 * with the key they name, so keys rotate without a flag day. The associated data binds a
 * ciphertext to its company *and* its purpose: moved to another company, or used as another kind
 * of secret (a token as a webhook secret), it no longer opens.
 *
 * Formats: `v2.<base64url>` (associated data = format, purpose, company) is what `seal` writes.
 * The legacy format (no prefix; associated data = the companyId alone) was written before
 * purposes were bound; it still opens, counts as stale, and is re-sealed by the re-seal passes of
 * onboarding and customer-sync (root README, "Rotating the encryption key"). Remove `openLegacy`
 * once `pos_sealed_secrets_stale` has read 0 in every service on a release with this code.
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
  seal(plaintext: string, binding: SecretBinding): EncryptedSecret {
    secrets.track(owner(binding), plaintext);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(associatedData(binding));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.activeKeyId,
      value: FORMAT_V2 + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url'),
    };
  }

  /**
   * The secret, if it was sealed for this binding with a key of the ring; SECRETS.UNKNOWN_KEY or
   * SECRETS.CORRUPT otherwise (their messages are for operators: never answer them to a caller
   * who has not authenticated).
   */
  open(secret: EncryptedSecret, binding: SecretBinding): string {
    const key = this.keys.get(secret.keyId);
    if (!key) {
      throw new AppError(
        'SECRETS.UNKNOWN_KEY',
        `no encryption key "${secret.keyId}" is configured (ENCRYPTION_KEYS)`,
      );
    }
    const plaintext = secret.value.startsWith(FORMAT_V2)
      ? decrypt(key, secret.value.slice(FORMAT_V2.length), associatedData(binding))
      : this.openLegacy(key, secret.value, binding);
    secrets.track(owner(binding), plaintext);
    return plaintext;
  }

  /** Sealed with an older key or in the legacy format: due for re-sealing. */
  isStale(secret: EncryptedSecret): boolean {
    return secret.keyId !== this.activeKeyId || !secret.value.startsWith(FORMAT_V2);
  }

  /**
   * The same secret sealed again with the active key in the current format, or null when it
   * already is (key rotation). Throws as `open` when it does not open.
   */
  resealIfStale(secret: EncryptedSecret, binding: SecretBinding): EncryptedSecret | null {
    return this.isStale(secret) ? this.seal(this.open(secret, binding), binding) : null;
  }

  /** LEGACY: associated data = companyId (any purpose). Remove with the legacy format (above). */
  private openLegacy(key: Buffer, value: string, binding: SecretBinding): string {
    return decrypt(key, value, Buffer.from(binding.companyId, 'utf8'));
  }
}

/** The scrubber's owner of a company's secret: one current value per company and purpose. */
function owner(binding: SecretBinding): string {
  return `sealed:${binding.purpose}:${binding.companyId}`;
}

function decrypt(key: Buffer, encoded: string, aad: Buffer): string {
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES)
    throw new AppError('SECRETS.CORRUPT', 'the encrypted secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new AppError(
      'SECRETS.CORRUPT',
      'the encrypted secret does not open with its key (tampered, or sealed for another company or purpose)',
    );
  }
}
