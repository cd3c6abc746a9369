import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { countStaleSecrets, SecretBox, staleSecretSql } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';

/**
 * Counts this service's copies of employee tokens (in the stored integration.config.v1) that are
 * stale – sealed with an old key or in the legacy format – for `pos_sealed_secrets_stale{store=
 * "company_settings"}`. Nothing re-seals them here: onboarding re-seals each token and publishes
 * the next version, which replaces the copy. A copy that stays stale is a version this service did
 * not apply (a dead-lettered record, a lagging consumer): the old key must stay until it is 0.
 */
@Injectable()
export class StaleTokenCopies implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  onModuleInit(): void {
    this.unregister = countStaleSecrets('company_settings', () => this.count());
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  async count(): Promise<number> {
    const token = `config->'tripletex'->'employeeToken'`;
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM company_settings
       WHERE ${staleSecretSql(`${token}->>'keyId'`, `${token}->>'value'`, '$1')}`,
      [this.box.activeKeyId],
    );
    return row.n;
  }
}
