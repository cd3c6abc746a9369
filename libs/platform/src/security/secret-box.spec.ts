import { createCipheriv, randomBytes } from 'node:crypto';
import { parseKeyRing, SecretBindings, SecretBox } from '../index';

const key = () => randomBytes(32).toString('base64');

/** A value sealed the way SecretBox sealed before purposes were bound: AAD = companyId, no prefix. */
function legacySeal(keyBase64: string, plaintext: string, companyId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  cipher.setAAD(Buffer.from(companyId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

const token = SecretBindings.tripletexToken;

describe(SecretBox.name, () => {
  const k1 = key();
  const k2 = key();

  it('seals with the active key in the v2 format and opens what it sealed', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const sealed = box.seal('employee-token-123', token('company-a'));
    expect(sealed.keyId).toBe('k1');
    expect(sealed.value).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
    expect(sealed.value).not.toContain('employee-token-123');
    expect(box.open(sealed, token('company-a'))).toBe('employee-token-123');
    expect(box.isStale(sealed)).toBe(false);
  });

  it('never seals the same secret to the same ciphertext', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    expect(box.seal('x', token('c')).value).not.toBe(box.seal('x', token('c')).value);
  });

  it('keeps opening secrets sealed with an older key after rotation, says they are stale and re-seals them', () => {
    const old = SecretBox.fromConfig(`k1:${k1}`, 'k1').seal('t', token('c'));
    const rotated = SecretBox.fromConfig(`k1:${k1},k2:${k2}`, 'k2');
    expect(rotated.open(old, token('c'))).toBe('t');
    expect(rotated.isStale(old)).toBe(true);

    const resealed = rotated.resealIfStale(old, token('c'))!;
    expect(resealed.keyId).toBe('k2');
    expect(rotated.resealIfStale(resealed, token('c'))).toBeNull();
    // The old key can go now.
    expect(SecretBox.fromConfig(`k2:${k2}`, 'k2').open(resealed, token('c'))).toBe('t');
  });

  it('binds a secret to its company and its purpose: moved or misused it does not open', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const sealed = box.seal('t', token('company-a'));
    expect(() => box.open(sealed, token('company-b'))).toThrow('does not open');
    expect(() => box.open(sealed, SecretBindings.webhookHmac('company-a'))).toThrow(
      'does not open',
    );
    const header = box.seal('h', SecretBindings.webhookAuthHeader('company-a'));
    expect(() => box.open(header, SecretBindings.webhookHmac('company-a'))).toThrow(
      'does not open',
    );
    expect(() => box.open(header, token('company-a'))).toThrow('does not open');
  });

  it('refuses a tampered ciphertext, one stripped of its format and an unknown key', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const sealed = box.seal('t', token('company-a'));
    const bytes = Buffer.from(sealed.value.slice(3), 'base64url');
    bytes[15] ^= 1;
    expect(() =>
      box.open({ ...sealed, value: `v2.${bytes.toString('base64url')}` }, token('company-a')),
    ).toThrow('does not open');
    // Without its prefix it would be read as the legacy format: its AAD no longer matches.
    expect(() => box.open({ ...sealed, value: sealed.value.slice(3) }, token('company-a'))).toThrow(
      'does not open',
    );
    expect(() => box.open({ keyId: 'k9', value: sealed.value }, token('company-a'))).toThrow(
      'no encryption key "k9"',
    );
  });

  it('opens the legacy format (AAD = companyId), calls it stale and re-seals it to the v2 binding', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const legacy = { keyId: 'k1', value: legacySeal(k1, 'old-token', 'company-a') };
    expect(box.open(legacy, token('company-a'))).toBe('old-token');
    expect(() => box.open(legacy, token('company-b'))).toThrow('does not open');
    // Same key, still stale: the format is.
    expect(box.isStale(legacy)).toBe(true);
    const resealed = box.resealIfStale(legacy, token('company-a'))!;
    expect(resealed.value.startsWith('v2.')).toBe(true);
    expect(box.open(resealed, token('company-a'))).toBe('old-token');
    expect(() => box.open(resealed, SecretBindings.webhookHmac('company-a'))).toThrow(
      'does not open',
    );
  });

  it('rejects a key ring with a wrong-sized key without printing it', () => {
    const short = Buffer.from('too-short').toString('base64');
    expect(() => parseKeyRing(`k1:${short}`)).toThrow('"k1" must be 32 bytes');
    try {
      parseKeyRing(`k1:${short}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
    }
    expect(() => SecretBox.fromConfig(`k1:${k1}`, 'k2')).toThrow('active key "k2"');
  });
});
