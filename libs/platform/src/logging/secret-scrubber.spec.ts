import { SecretBindings, SecretBox } from '../security/secret-box';
import { SecretRegistry, secrets } from './secret-scrubber';

describe(SecretRegistry.name, () => {
  it('keeps one current secret per owner: a rotated token replaces the old one', () => {
    const registry = new SecretRegistry();
    registry.track('session:c1', 'first-session-token');
    registry.track('session:c1', 'second-session-token');
    expect(registry.size).toBe(1);
    expect(registry.scrub('a second-session-token b')).toBe('a [redacted] b');
  });

  it('stays bounded however many owners come and go', () => {
    const registry = new SecretRegistry(100);
    for (let i = 0; i < 10_000; i++) registry.track(`session:c${i}`, `session-token-${i}-xyz`);
    expect(registry.size).toBe(100);
    // The newest are kept.
    expect(registry.scrub('session-token-9999-xyz')).toBe('[redacted]');
  });

  it('registers a company token when it is sealed or opened, never merely submitted', () => {
    const box = SecretBox.fromConfig(`k1:${Buffer.alloc(32, 7).toString('base64')}`, 'k1');
    const submitted = `submitted-${Date.now()}-token`;
    expect(secrets.scrub(submitted)).toBe(submitted);
    const stored = `stored-${Date.now()}-token`;
    const sealed = box.seal(stored, SecretBindings.tripletexToken('company-1'));
    expect(secrets.scrub(`token ${stored}`)).toBe('token [redacted]');
    expect(box.open(sealed, SecretBindings.tripletexToken('company-1'))).toBe(stored);
  });
});
