import type { SessionToken } from '../types';
export type CreateSession = (employeeToken: string, expirationDate: string) => Promise<SessionToken>;
/**
 * Session tokens per company: created from the consumer and employee tokens, cached until
 * shortly before they expire, created once even when many calls ask at the same moment, and
 * dropped when Tripletex answers 401.
 *
 * A session "expires at midnight on its expirationDate" in Tripletex's time zone: the date, not a
 * timestamp, is what counts (comparing a full timestamp against it is a known source of 401s).
 */
export declare class SessionTokens {
    private readonly create;
    private readonly now;
    private readonly sessionDays;
    private readonly renewBeforeMs;
    private readonly cache;
    private readonly creating;
    constructor(create: CreateSession, now: () => Date, sessionDays: number, renewBeforeMs: number);
    get(key: string, employeeToken: string): Promise<string>;
    /** Forget a session Tripletex refused (only if it is still the cached one). */
    invalidate(key: string, token: string): void;
    /** Drop whatever is cached for a company (its token changed or was deleted). */
    forget(key: string): void;
    /** The expirationDate a new session gets: today in Oslo plus sessionDays. */
    expirationDate(): string;
    private createFor;
}
