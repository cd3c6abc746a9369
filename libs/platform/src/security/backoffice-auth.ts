import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { TokenRefused, TokenVerifier } from './token-verifier';

/** Who is calling: the BackOffice user and the company (tenant) their token is for. */
export interface BackOfficeUser {
  companyId: string;
  subject: string;
}

type AuthedRequest = Request & { backOfficeUser?: BackOfficeUser };

function unauthorized(code: string, message: string): AppError {
  return new AppError(code, message, { httpStatus: HttpStatus.UNAUTHORIZED });
}

/**
 * BackOffice JWTs, verified by TokenVerifier (the identity provider's public keys or JWKS; HS256
 * only as a development option; `exp` required, `iss`/`aud` when configured), carrying a
 * `companyId` claim. A route with a `:companyId` parameter only admits a token for that company:
 * another company's token gets 403, so a caller sees and changes only its own company.
 *
 * A caller without a valid token learns only that (401 AUTH.MISSING_TOKEN / AUTH.INVALID_TOKEN,
 * one fixed message each: never which check failed, which key id or what the JWKS holds); an
 * expired token says so (AUTH.TOKEN_EXPIRED) – only after its signature was verified, so only
 * the one who holds a real token learns it, and BackOffice knows to sign in again. The real reason
 * is logged.
 */
@Injectable()
export class BackOfficeAuthGuard implements CanActivate {
  private readonly logger = new Logger(BackOfficeAuthGuard.name);
  private readonly verifier: TokenVerifier;

  constructor(config: ConfigService) {
    this.verifier = new TokenVerifier({
      jwksUrl: config.get<string>('AUTH_JWT_JWKS_URL') || undefined,
      publicKey: config.get<string>('AUTH_JWT_PUBLIC_KEY') || undefined,
      secret: config.get<string>('AUTH_JWT_SECRET') || undefined,
      issuer: config.get<string>('AUTH_JWT_ISSUER') || undefined,
      audience: config.get<string>('AUTH_JWT_AUDIENCE') || undefined,
      clockSkewSeconds: Number(config.get('AUTH_JWT_CLOCK_SKEW_SECONDS') ?? 30),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw unauthorized(
        'AUTH.MISSING_TOKEN',
        'Sign in: this API needs a BackOffice bearer token.',
      );
    let claims: Record<string, unknown>;
    try {
      claims = await this.verifier.verify(match[1]);
    } catch (error) {
      const expired = error instanceof TokenRefused && error.expired;
      this.logger.log(
        {
          path: req.path,
          reason: error instanceof TokenRefused ? error.reason : (error as Error).message,
        },
        'BackOffice token refused',
      );
      throw unauthorized(
        expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.INVALID_TOKEN',
        expired ? 'Your session has expired: sign in again.' : 'The bearer token is not valid.',
      );
    }
    const companyId = claims.companyId;
    if (typeof companyId !== 'string' || companyId === '') {
      throw unauthorized('AUTH.NO_COMPANY', 'The bearer token names no company.');
    }
    const user: BackOfficeUser = {
      companyId,
      subject: typeof claims.sub === 'string' ? claims.sub : '',
    };
    const wanted = req.params?.companyId;
    if (wanted !== undefined && wanted !== companyId) {
      throw new AppError('AUTH.OTHER_COMPANY', 'This token is for another company.', {
        httpStatus: HttpStatus.FORBIDDEN,
      });
    }
    req.backOfficeUser = user;
    return true;
  }
}

/** The authenticated BackOffice user of the request (after BackOfficeAuthGuard). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): BackOfficeUser => {
    const user = context.switchToHttp().getRequest<AuthedRequest>().backOfficeUser;
    if (!user) throw new Error('CurrentUser used on a route without BackOfficeAuthGuard');
    return user;
  },
);
