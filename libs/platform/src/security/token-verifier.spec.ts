import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign, SignOptions } from 'jsonwebtoken';
import { TokenRefused, TokenVerifier } from './token-verifier';

// BackOffice tokens verified as an identity provider's relying party: real keys, real signatures,
// a real JWKS over HTTP. Every token here is one a caller could send; each refusal is a door that
// must stay shut.

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const ISSUER = 'https://id.example/';
const AUDIENCE = 'pos-tripletex';
const claims = { companyId: 'co-1', sub: 'user-1' };
const valid: SignOptions = {
  algorithm: 'RS256',
  issuer: ISSUER,
  audience: AUDIENCE,
  expiresIn: 300,
};

const refusal = async (verifier: TokenVerifier, token: string) => {
  try {
    await verifier.verify(token);
  } catch (error) {
    return error;
  }
  return null;
};

describe(TokenVerifier.name, () => {
  const rs256 = new TokenVerifier({
    publicKey: pemOf(rsa.publicKey),
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 30,
  });

  it('takes a token signed with the identity provider’s key, for us, that expires', async () => {
    const token = sign(claims, rsa.privateKey, valid);
    await expect(rs256.verify(token)).resolves.toMatchObject(claims);
  });

  it('takes ES256 from an EC key', async () => {
    const es256 = new TokenVerifier({
      publicKey: pemOf(ec.publicKey),
      issuer: ISSUER,
      audience: AUDIENCE,
      clockSkewSeconds: 30,
    });
    const token = sign(claims, ec.privateKey, { ...valid, algorithm: 'ES256' });
    await expect(es256.verify(token)).resolves.toMatchObject(claims);
  });

  it('refuses an expired token as expired, beyond the clock skew only', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justNow = sign({ ...claims, exp: now - 10 }, rsa.privateKey, {
      algorithm: 'RS256',
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(rs256.verify(justNow)).resolves.toMatchObject(claims);
    const expired = sign({ ...claims, exp: now - 120 }, rsa.privateKey, {
      algorithm: 'RS256',
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect(await refusal(rs256, expired)).toEqual(new TokenRefused(true));
  });

  it('refuses a token that never expires', async () => {
    const forever = sign(claims, rsa.privateKey, {
      algorithm: 'RS256',
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect(await refusal(rs256, forever)).toEqual(new TokenRefused(false));
  });

  it('refuses another audience, another issuer, an unsigned token and another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const unsigned = sign(claims, '', { algorithm: 'none', expiresIn: 300 });
    for (const token of [
      sign(claims, rsa.privateKey, { ...valid, audience: 'someone-else' }),
      sign(claims, rsa.privateKey, { ...valid, issuer: 'https://evil.example/' }),
      unsigned,
      sign(claims, other.privateKey, valid),
    ])
      expect(await refusal(rs256, token)).toEqual(new TokenRefused(false));
  });

  it('refuses HS256 when public keys are configured, even signed with the public key itself', async () => {
    const confused = sign(claims, pemOf(rsa.publicKey), {
      ...valid,
      algorithm: 'HS256',
    });
    expect(await refusal(rs256, confused)).toEqual(new TokenRefused(false));
  });

  it('takes HS256 only in HS256 mode (the development option)', async () => {
    const secret = 'a-development-secret-of-at-least-32-characters';
    const hs256 = new TokenVerifier({ secret, clockSkewSeconds: 30 });
    const token = sign(claims, secret, { algorithm: 'HS256', expiresIn: 300 });
    await expect(hs256.verify(token)).resolves.toMatchObject(claims);
    expect(await refusal(hs256, sign(claims, rsa.privateKey, valid))).toEqual(
      new TokenRefused(false),
    );
  });

  describe('with a JWKS', () => {
    const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let keys: { key: KeyObject; kid: string }[] = [{ key: rsa.publicKey, kid: 'k1' }];
    let fetched = 0;
    let server: Server;
    let jwks: TokenVerifier;

    beforeAll(async () => {
      server = createServer((_req, res) => {
        fetched += 1;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            keys: keys.map(({ key, kid }) => ({
              ...key.export({ format: 'jwk' }),
              kid,
              use: 'sig',
              alg: 'RS256',
            })),
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwks = new TokenVerifier({
        jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
        issuer: ISSUER,
        audience: AUDIENCE,
        clockSkewSeconds: 30,
      });
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('verifies by the key the token names, cached, and follows a rotation at once', async () => {
      const first = sign(claims, rsa.privateKey, { ...valid, keyid: 'k1' });
      await expect(jwks.verify(first)).resolves.toMatchObject(claims);
      await expect(jwks.verify(first)).resolves.toMatchObject(claims);
      expect(fetched).toBe(1);

      keys = [...keys, { key: rotated.publicKey, kid: 'k2' }];
      const next = sign(claims, rotated.privateKey, { ...valid, keyid: 'k2' });
      await expect(jwks.verify(next)).resolves.toMatchObject(claims);
      expect(fetched).toBe(2);
    });

    it('refuses a token without a key id, or naming a key the provider does not have', async () => {
      expect(await refusal(jwks, sign(claims, rsa.privateKey, valid))).toEqual(
        new TokenRefused(false),
      );
      const unknown = sign(claims, rsa.privateKey, { ...valid, keyid: 'k-unknown' });
      expect(await refusal(jwks, unknown)).toEqual(new TokenRefused(false));
    });
  });
});
