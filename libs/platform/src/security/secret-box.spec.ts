import { randomBytes } from 'node:crypto';
import { parseKeyRing, SecretBox } from '../index';

const key = () => randomBytes(32).toString('base64');

describe(SecretBox.name, () => {
  const k1 = key();
  const k2 = key();

  it('seals with the active key and opens what it sealed', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const sealed = box.seal('employee-token-123', 'company-a');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.value).not.toContain('employee-token-123');
    expect(box.open(sealed, 'company-a')).toBe('employee-token-123');
  });

  it('never seals the same secret to the same ciphertext', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    expect(box.seal('x', 'c').value).not.toBe(box.seal('x', 'c').value);
  });

  it('keeps opening secrets sealed with an older key after rotation, and says they are stale', () => {
    const old = SecretBox.fromConfig(`k1:${k1}`, 'k1').seal('t', 'c');
    const rotated = SecretBox.fromConfig(`k1:${k1},k2:${k2}`, 'k2');
    expect(rotated.open(old, 'c')).toBe('t');
    expect(rotated.isStale(old)).toBe(true);
    expect(rotated.isStale(rotated.seal('t', 'c'))).toBe(false);
  });

  it('refuses a ciphertext moved to another company or tampered with', () => {
    const box = SecretBox.fromConfig(`k1:${k1}`, 'k1');
    const sealed = box.seal('t', 'company-a');
    expect(() => box.open(sealed, 'company-b')).toThrow('does not open');
    const bytes = Buffer.from(sealed.value, 'base64url');
    bytes[15] ^= 1;
    expect(() => box.open({ ...sealed, value: bytes.toString('base64url') }, 'company-a')).toThrow(
      'does not open',
    );
    expect(() => box.open({ keyId: 'k9', value: sealed.value }, 'company-a')).toThrow(
      'no encryption key "k9"',
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
