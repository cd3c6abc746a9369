import { ExecutionContext, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign, SignOptions } from 'jsonwebtoken';
import { AppError } from '../errors/app-error';
import { BackOfficeAuthGuard } from './backoffice-auth';

// What a caller without a valid BackOffice token learns: 401 and one fixed answer, whatever the
// reason – never a key id, what the JWKS holds or which check failed. The reason is logged.

const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ISSUER = 'https://id.example/';
const AUDIENCE = 'pos-tripletex';
const claims = { companyId: 'co-1', sub: 'user-1' };
/** How the provider signs (with `exp` given as a claim). */
const signing: SignOptions = {
  algorithm: 'RS256',
  issuer: ISSUER,
  audience: AUDIENCE,
  keyid: 'idp-key-2026',
};
const valid: SignOptions = { ...signing, expiresIn: 300 };

function context(authorization?: string): ExecutionContext {
  const req = {
    headers: authorization ? { authorization } : {},
    params: { companyId: 'co-1' },
    path: '/v1/companies/co-1/integration',
  };
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

describe(BackOfficeAuthGuard.name, () => {
  let server: Server;
  let guard: BackOfficeAuthGuard;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          keys: [
            {
              ...provider.publicKey.export({ format: 'jwk' }),
              kid: 'idp-key-2026',
              use: 'sig',
              alg: 'RS256',
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    guard = new BackOfficeAuthGuard(
      new ConfigService({
        AUTH_JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUTH_JWT_CLOCK_SKEW_SECONDS: 0,
      }),
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const answer = async (authorization?: string) => {
    try {
      await guard.canActivate(context(authorization));
      return null;
    } catch (error) {
      const e = error as AppError;
      return { status: e.httpStatus, code: e.code, message: e.message, details: e.details };
    }
  };

  it('admits a token of the identity provider for the company in the path', async () => {
    expect(await answer(`Bearer ${sign(claims, provider.privateKey, valid)}`)).toBeNull();
  });

  it('answers every invalid token alike, naming no key id, and logs the real reason', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const invalid = {
        'an unknown key id': sign(claims, provider.privateKey, {
          ...valid,
          keyid: 'kid-nobody-has',
        }),
        'another key under the known id': sign(claims, stranger.privateKey, valid),
        'another audience': sign(claims, provider.privateKey, { ...valid, audience: 'other-app' }),
        'another issuer': sign(claims, provider.privateKey, { ...valid, issuer: 'https://evil/' }),
        'HS256 with the public key': sign(
          claims,
          provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          { algorithm: 'HS256', expiresIn: 300, keyid: 'idp-key-2026' },
        ),
        'no token at all but words': 'not-a-jwt',
      };
      const answers = await Promise.all(
        Object.values(invalid).map((token) => answer(`Bearer ${token}`)),
      );
      for (const given of answers)
        expect(given).toEqual({
          status: 401,
          code: 'AUTH.INVALID_TOKEN',
          message: 'The bearer token is not valid.',
          details: undefined,
        });
      expect(JSON.stringify(answers)).not.toMatch(/kid|idp-key-2026|kid-nobody-has|jwks/i);

      const reasons = log.mock.calls.map(([fields]) => (fields as { reason: string }).reason);
      expect(reasons).toHaveLength(Object.keys(invalid).length);
      expect(reasons.join('\n')).toContain('kid-nobody-has');
      expect(reasons.join('\n')).toContain('audience');
    } finally {
      log.mockRestore();
    }
  });

  it('says only that a token is missing, or – once its signature is verified – expired', async () => {
    expect(await answer()).toMatchObject({ status: 401, code: 'AUTH.MISSING_TOKEN' });
    const expired = sign(
      { ...claims, exp: Math.floor(Date.now() / 1000) - 60 },
      provider.privateKey,
      signing,
    );
    expect(await answer(`Bearer ${expired}`)).toMatchObject({
      status: 401,
      code: 'AUTH.TOKEN_EXPIRED',
    });
    // Expired, but not signed by the provider: just invalid.
    const forgedExpired = sign(
      { ...claims, exp: Math.floor(Date.now() / 1000) - 60 },
      stranger.privateKey,
      signing,
    );
    expect(await answer(`Bearer ${forgedExpired}`)).toMatchObject({
      status: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
  });
});
