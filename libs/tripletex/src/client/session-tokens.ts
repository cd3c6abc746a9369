import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import type { SessionToken } from '../types';

const TRIPLETEX_ZONE = 'Europe/Oslo';

interface CachedSession {
  token: string;
  /** Digest of the employee token it was created from (never the token itself). */
  owner: string;
  expirationDate: string;
  /** When we stop using it and create a new one (ms since epoch). */
  renewAt: number;
}

export type CreateSession = (
  employeeToken: string,
  expirationDate: string,
) => Promise<SessionToken>;

/** A short digest of an employee token: what caches and keys may hold instead of the token. */
export function tokenDigest(employeeToken: string): string {
  return createHash('sha256').update(employeeToken).digest('hex').slice(0, 16);
}

/**
 * Session tokens per key and employee token: created from the consumer and employee tokens,
 * cached until shortly before they expire, created once even when many calls ask at the same
 * moment, and dropped when Tripletex answers 401. A cached session serves only the employee
 * token it was created from: a key asked with another token (a company re-onboarded with a token
 * of another Tripletex company) gets a new session at once, never the old company's.
 *
 * A session "expires at midnight on its expirationDate" in Tripletex's time zone: the date, not a
 * timestamp, is what counts (comparing a full timestamp against it is a known source of 401s).
 */
export class SessionTokens {
  private readonly cache = new Map<string, CachedSession>();
  private readonly creating = new Map<string, Promise<CachedSession>>();

  constructor(
    private readonly create: CreateSession,
    private readonly now: () => Date,
    private readonly sessionDays: number,
    private readonly renewBeforeMs: number,
  ) {}

  async get(key: string, employeeToken: string): Promise<string> {
    const owner = tokenDigest(employeeToken);
    const cached = this.cache.get(key);
    if (cached && cached.owner === owner && this.now().getTime() < cached.renewAt)
      return cached.token;
    const creatingKey = `${key}\u0000${owner}`;
    let pending = this.creating.get(creatingKey);
    if (!pending) {
      pending = this.createFor(employeeToken, owner).finally(() =>
        this.creating.delete(creatingKey),
      );
      this.creating.set(creatingKey, pending);
    }
    const session = await pending;
    this.cache.set(key, session);
    return session.token;
  }

  /** Forget a session Tripletex refused (only if it is still the cached one). */
  invalidate(key: string, token: string): void {
    if (this.cache.get(key)?.token === token) this.cache.delete(key);
  }

  /** Drop whatever is cached for a key and the keys below it (`key:…`): its token changed or was deleted. */
  forget(key: string): void {
    for (const cachedKey of [...this.cache.keys()])
      if (cachedKey === key || cachedKey.startsWith(`${key}:`)) this.cache.delete(cachedKey);
  }

  /** The expirationDate a new session gets: today in Oslo plus sessionDays. */
  expirationDate(): string {
    return DateTime.fromJSDate(this.now(), { zone: TRIPLETEX_ZONE })
      .startOf('day')
      .plus({ days: this.sessionDays })
      .toISODate() as string;
  }

  private async createFor(employeeToken: string, owner: string): Promise<CachedSession> {
    const expirationDate = this.expirationDate();
    const session = await this.create(employeeToken, expirationDate);
    if (!session.token) throw new Error('Tripletex created a session without a token');
    const expiresAt = DateTime.fromISO(session.expirationDate ?? expirationDate, {
      zone: TRIPLETEX_ZONE,
    })
      .startOf('day')
      .toMillis();
    return {
      token: session.token,
      owner,
      expirationDate,
      renewAt: expiresAt - this.renewBeforeMs,
    };
  }
}
