import { createPublicKey, KeyObject } from 'node:crypto';
import { Algorithm, JwtHeader, SigningKeyCallback, verify } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';

/** How BackOffice tokens are verified (from the service's AUTH_JWT_* variables). */
export interface TokenVerificationSettings {
  /** An identity provider's JWKS (keys cached, re-read when a token names a key it lacks). */
  jwksUrl?: string;
  /** One public key (PEM, RSA or EC) when there is no JWKS. */
  publicKey?: string;
  /** HS256 secret: a development option, used only when no public key or JWKS is configured. */
  secret?: string;
  issuer?: string;
  audience?: string;
  clockSkewSeconds: number;
}

/**
 * Why a token was refused: expired, or anything else (never which key or check said no).
 * `reason` is the check's own words, for the server's log only (it may name a key id).
 */
export class TokenRefused extends Error {
  constructor(
    readonly expired: boolean,
    readonly reason = expired ? 'expired' : 'not valid',
  ) {
    super(expired ? 'token expired' : 'token not valid');
  }
}

/** A PEM public key as one line in an env file (`\n` written as the two characters). */
export function pemOf(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/**
 * Verifies BackOffice JWTs as an identity provider's relying party would: with the provider's
 * public keys (RS256/ES256; a JWKS is cached for 10 minutes and re-read, at most 10 times a
 * minute, when a token names a key it does not know – so a provider rotating its keys is followed
 * at once), never with a shared secret unless HS256 is chosen explicitly for development. With
 * public keys configured an HS256 token is refused outright (no algorithm confusion). Every token
 * must expire (`exp`); `iss` and `aud` are checked when configured (required in production, see
 * TripletexServiceEnv); a clock skew of `clockSkewSeconds` is tolerated.
 */
export class TokenVerifier {
  private readonly algorithms: Algorithm[];
  private readonly jwks?: JwksClient;
  private readonly publicKey?: KeyObject;

  constructor(private readonly settings: TokenVerificationSettings) {
    if (settings.jwksUrl) {
      this.jwks = new JwksClient({
        jwksUri: settings.jwksUrl,
        cache: true,
        cacheMaxAge: 10 * 60_000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        timeout: 10_000,
      });
      this.algorithms = ['RS256', 'ES256'];
    } else if (settings.publicKey) {
      this.publicKey = createPublicKey(pemOf(settings.publicKey));
      this.algorithms = this.publicKey.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256'];
    } else if (settings.secret) {
      this.algorithms = ['HS256'];
    } else {
      throw new Error(
        'no way to verify BackOffice tokens: set AUTH_JWT_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET',
      );
    }
  }

  /** The token's claims, or TokenRefused. */
  verify(token: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      verify(
        token,
        (header, callback) => this.keyFor(header, callback),
        {
          algorithms: this.algorithms,
          issuer: this.settings.issuer || undefined,
          audience: this.settings.audience || undefined,
          clockTolerance: this.settings.clockSkewSeconds,
        },
        (error, decoded) => {
          if (error)
            return reject(new TokenRefused(error.name === 'TokenExpiredError', error.message));
          const claims = decoded as Record<string, unknown> | undefined;
          // jsonwebtoken accepts a token without `exp`; a BackOffice session must end.
          if (!claims || typeof claims !== 'object' || typeof claims.exp !== 'number')
            return reject(new TokenRefused(false, 'the token has no exp (expiry)'));
          resolve(claims);
        },
      );
    });
  }

  private keyFor(header: JwtHeader, callback: SigningKeyCallback): void {
    if (this.jwks) {
      if (!header.kid) return callback(new Error('the token names no key (kid)'));
      this.jwks.getSigningKey(header.kid).then(
        (key) => callback(null, key.getPublicKey()),
        (error: Error) => callback(error),
      );
      return;
    }
    if (this.publicKey) return callback(null, this.publicKey);
    callback(null, this.settings.secret);
  }
}
