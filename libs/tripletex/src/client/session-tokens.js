"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SessionTokens = void 0;
const luxon_1 = require("luxon");
const TRIPLETEX_ZONE = 'Europe/Oslo';
/**
 * Session tokens per company: created from the consumer and employee tokens, cached until
 * shortly before they expire, created once even when many calls ask at the same moment, and
 * dropped when Tripletex answers 401.
 *
 * A session "expires at midnight on its expirationDate" in Tripletex's time zone: the date, not a
 * timestamp, is what counts (comparing a full timestamp against it is a known source of 401s).
 */
class SessionTokens {
    create;
    now;
    sessionDays;
    renewBeforeMs;
    cache = new Map();
    creating = new Map();
    constructor(create, now, sessionDays, renewBeforeMs) {
        this.create = create;
        this.now = now;
        this.sessionDays = sessionDays;
        this.renewBeforeMs = renewBeforeMs;
    }
    async get(key, employeeToken) {
        const cached = this.cache.get(key);
        if (cached && this.now().getTime() < cached.renewAt)
            return cached.token;
        let pending = this.creating.get(key);
        if (!pending) {
            pending = this.createFor(employeeToken).finally(() => this.creating.delete(key));
            this.creating.set(key, pending);
        }
        const session = await pending;
        this.cache.set(key, session);
        return session.token;
    }
    /** Forget a session Tripletex refused (only if it is still the cached one). */
    invalidate(key, token) {
        if (this.cache.get(key)?.token === token)
            this.cache.delete(key);
    }
    /** Drop whatever is cached for a company (its token changed or was deleted). */
    forget(key) {
        this.cache.delete(key);
    }
    /** The expirationDate a new session gets: today in Oslo plus sessionDays. */
    expirationDate() {
        return luxon_1.DateTime.fromJSDate(this.now(), { zone: TRIPLETEX_ZONE })
            .startOf('day')
            .plus({ days: this.sessionDays })
            .toISODate();
    }
    async createFor(employeeToken) {
        const expirationDate = this.expirationDate();
        const session = await this.create(employeeToken, expirationDate);
        if (!session.token)
            throw new Error('Tripletex created a session without a token');
        const expiresAt = luxon_1.DateTime.fromISO(session.expirationDate ?? expirationDate, {
            zone: TRIPLETEX_ZONE,
        })
            .startOf('day')
            .toMillis();
        return { token: session.token, expirationDate, renewAt: expiresAt - this.renewBeforeMs };
    }
}
exports.SessionTokens = SessionTokens;
//# sourceMappingURL=session-tokens.js.map