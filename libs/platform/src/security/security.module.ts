import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { secrets } from '../logging/secret-scrubber';
import { BackOfficeAuthGuard } from './backoffice-auth';
import { SecretBox } from './secret-box';

/**
 * BackOffice authentication and the key ring for secrets at rest and in events. Registers the
 * keys and the JWT secret with the log scrubber: they never reach a log line.
 */
@Global()
@Module({
  providers: [
    BackOfficeAuthGuard,
    {
      provide: SecretBox,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const ring = config.getOrThrow<string>('ENCRYPTION_KEYS');
        for (const entry of ring.split(',')) secrets.add(entry.slice(entry.indexOf(':') + 1));
        const jwtSecret = config.get<string>('AUTH_JWT_SECRET');
        if (jwtSecret) secrets.add(jwtSecret);
        return SecretBox.fromConfig(ring, config.getOrThrow<string>('ENCRYPTION_ACTIVE_KEY_ID'));
      },
    },
  ],
  exports: [BackOfficeAuthGuard, SecretBox],
})
export class SecurityModule {}
