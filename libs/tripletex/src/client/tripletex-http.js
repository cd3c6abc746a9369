"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexHttp = void 0;
const common_1 = require("@nestjs/common");
const platform_1 = require("@pos-tripletex/platform");
const axios_1 = __importDefault(require("axios"));
const node_http_1 = require("node:http");
const node_https_1 = require("node:https");
const promises_1 = require("node:timers/promises");
const tripletex_errors_1 = require("../errors/tripletex-errors");
const retry_policy_1 = require("./retry-policy");
const semaphore_1 = require("./semaphore");
const session_tokens_1 = require("./session-tokens");
/** Network failures where the request never reached Tripletex: safe to send again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
function headerNumber(res, name) {
    const raw = res?.headers?.[name];
    if (raw === undefined || raw === null || raw === '')
        return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
}
function headerString(res, name) {
    const raw = res?.headers?.[name];
    return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}
function toQueryString(query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
        if (value === undefined || value === null)
            continue;
        params.append(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const text = params.toString();
    return text ? `?${text}` : '';
}
/**
 * The HTTP layer of the client: one keep-alive connection pool, Basic auth with a cached session
 * token per company (renewed before expiry, re-created once on a 401), a concurrency limit per
 * company, timeouts, retries with backoff that honour Tripletex's rate-limit headers, typed
 * errors, and one log line per call (method, path, status, duration, request id; never a token
 * or a query string).
 */
class TripletexHttp {
    options;
    axios;
    sessions;
    limits = new Map();
    lookups = new Map();
    pausedUntil = new Map();
    retry;
    logger;
    httpAgent = new node_http_1.Agent({ keepAlive: true, maxSockets: 64 });
    httpsAgent = new node_https_1.Agent({ keepAlive: true, maxSockets: 64 });
    constructor(options) {
        this.options = options;
        this.retry = { ...retry_policy_1.DEFAULT_RETRY, ...options.retry };
        this.logger = options.logger ?? new common_1.Logger('Tripletex');
        platform_1.secrets.add(options.consumerToken);
        this.axios = axios_1.default.create({
            baseURL: options.baseUrl.replace(/\/+$/, ''),
            timeout: options.timeoutMs ?? 30_000,
            httpAgent: this.httpAgent,
            httpsAgent: this.httpsAgent,
            validateStatus: () => true,
            maxRedirects: 0,
            headers: { Accept: 'application/json' },
            // Tripletex returns JSON; a PDF endpoint asks for an arraybuffer itself.
            transitional: { clarifyTimeoutError: true },
        });
        this.sessions = new session_tokens_1.SessionTokens((employeeToken, expirationDate) => this.createSession(employeeToken, expirationDate), options.now ?? (() => new Date()), options.sessionDays ?? 7, options.renewBeforeMs ?? 24 * 60 * 60 * 1000);
    }
    /** `PUT /token/session/:create` (needs no auth). Sessions are harmless to create twice. */
    async createSession(employeeToken, expirationDate) {
        platform_1.secrets.add(employeeToken);
        const res = await this.withRetries({ method: 'PUT', path: '/token/session/:create', idempotent: true }, () => this.send({
            method: 'PUT',
            path: '/token/session/:create',
            query: { consumerToken: this.options.consumerToken, employeeToken, expirationDate },
        }, undefined));
        const session = res.data.value;
        platform_1.secrets.add(session.token);
        return session;
    }
    /** A call on behalf of a company, authenticated with its (cached) session token. */
    async request(company, request) {
        return this.limitFor(company.key).run(() => this.withRetries(request, async () => {
            await this.paceFor(company.key);
            const token = await this.sessions.get(company.key, company.employeeToken);
            let res = await this.send(request, token);
            if (res.status === 401) {
                // Expired or revoked session: forget it and try once more with a fresh one.
                this.sessions.invalidate(company.key, token);
                const fresh = await this.sessions.get(company.key, company.employeeToken);
                res = await this.send(request, fresh);
            }
            this.notePace(company.key, res);
            return res;
        }));
    }
    /** Forget a company's cached session and look-ups (after its employee token changed or was deleted). */
    forget(key) {
        this.sessions.forget(key);
        for (const cachedKey of this.lookups.keys())
            if (cachedKey.startsWith(`${key}:`))
                this.lookups.delete(cachedKey);
    }
    /**
     * A look-up shared by every caller in the process (e.g. a company's VAT types), fetched once;
     * a failed one is not kept.
     */
    cached(key, load) {
        let found = this.lookups.get(key);
        if (!found) {
            found = load();
            found.catch(() => this.lookups.delete(key));
            this.lookups.set(key, found);
        }
        return found;
    }
    /** Releases the keep-alive connections. */
    close() {
        this.httpAgent.destroy();
        this.httpsAgent.destroy();
    }
    /**
     * Proactive pacing: when Tripletex said the window's requests are used up (X-Rate-Limit-Remaining
     * 0), wait for its reset instead of spending a request on a certain 429.
     */
    async paceFor(key) {
        const until = this.pausedUntil.get(key);
        if (until === undefined)
            return;
        const wait = until - Date.now();
        if (wait > 0)
            await (0, promises_1.setTimeout)(Math.min(wait, this.retry.maxDelayMs));
        else
            this.pausedUntil.delete(key);
    }
    notePace(key, res) {
        const remaining = headerNumber(res, 'x-rate-limit-remaining');
        const reset = headerNumber(res, 'x-rate-limit-reset');
        if (remaining === 0 && reset !== undefined)
            this.pausedUntil.set(key, Date.now() + reset * 1000);
    }
    limitFor(key) {
        let limit = this.limits.get(key);
        if (!limit) {
            limit = new semaphore_1.Semaphore(this.options.maxConcurrentPerCompany ?? 4);
            this.limits.set(key, limit);
        }
        return limit;
    }
    async withRetries(request, attemptOnce) {
        const idempotent = request.idempotent ?? (request.method === 'GET' || request.method === 'DELETE');
        const started = Date.now();
        for (let attempt = 1;; attempt++) {
            let error;
            let mayRetry;
            let delay;
            try {
                const res = await attemptOnce();
                if (res.status < 400) {
                    return {
                        status: res.status,
                        data: res.data,
                        requestId: headerString(res, 'x-tlx-request-id'),
                        rateLimit: {
                            limit: headerNumber(res, 'x-rate-limit-limit'),
                            remaining: headerNumber(res, 'x-rate-limit-remaining'),
                            resetSeconds: headerNumber(res, 'x-rate-limit-reset'),
                        },
                    };
                }
                error = this.errorFromResponse(request, res, idempotent);
                if (res.status === 429) {
                    mayRetry = true; // refused, not processed: safe for any method
                    delay = (0, retry_policy_1.rateLimitDelay)(this.retry, attempt, headerNumber(res, 'x-rate-limit-reset'));
                }
                else {
                    mayRetry = res.status >= 500 && idempotent;
                    delay = (0, retry_policy_1.backoffDelay)(this.retry, attempt);
                }
            }
            catch (thrown) {
                if (thrown instanceof tripletex_errors_1.TripletexError)
                    throw thrown;
                const code = thrown.code ?? '';
                const notSent = NOT_SENT.has(code);
                error = this.errorFromNetwork(request, thrown, !notSent && !idempotent);
                mayRetry = notSent || idempotent;
                delay = (0, retry_policy_1.backoffDelay)(this.retry, attempt);
            }
            const elapsed = Date.now() - started;
            if (!mayRetry ||
                attempt >= this.retry.maxAttempts ||
                elapsed + delay > this.retry.maxTotalMs) {
                throw error;
            }
            this.logger.warn({
                method: request.method,
                path: request.path,
                status: error.status,
                requestId: error.requestId,
                attempt,
                delayMs: delay,
            }, `Tripletex ${request.method} ${request.path} failed (${error.status || error.message}); retry ${attempt + 1}/${this.retry.maxAttempts} in ${delay} ms`);
            await (0, promises_1.setTimeout)(delay);
        }
    }
    async send(request, sessionToken) {
        const started = Date.now();
        let res;
        try {
            res = await this.axios.request({
                method: request.method,
                url: `${request.path}${toQueryString(request.query)}`,
                data: request.body,
                auth: sessionToken === undefined ? undefined : { username: '0', password: sessionToken },
                headers: request.body === undefined
                    ? undefined
                    : { 'Content-Type': 'application/json; charset=utf-8' },
            });
            return res;
        }
        finally {
            const durationMs = Date.now() - started;
            const line = {
                method: request.method,
                path: request.path,
                status: res?.status ?? 0,
                durationMs,
                requestId: headerString(res, 'x-tlx-request-id'),
            };
            const text = `Tripletex ${request.method} ${request.path} → ${res?.status ?? 'no response'} in ${durationMs} ms`;
            if (res && res.status < 400)
                this.logger.log(line, text);
            else
                this.logger.warn(line, text);
        }
    }
    errorFromResponse(request, res, idempotent) {
        const body = (typeof res.data === 'object' && res.data !== null ? res.data : {});
        const validationMessages = (body.validationMessages ?? []).map((v) => ({
            field: v.field ?? null,
            message: v.message ?? '',
        }));
        const kind = (0, tripletex_errors_1.kindOfStatus)(res.status);
        const said = (0, tripletex_errors_1.describeTripletexBody)(body.message, validationMessages);
        return new tripletex_errors_1.TripletexError(kind, `Tripletex ${request.method} ${request.path} answered ${res.status}: ${said}`, {
            status: res.status,
            tlxCode: body.code,
            validationMessages,
            developerMessage: body.developerMessage,
            requestId: body.requestId ?? headerString(res, 'x-tlx-request-id'),
            method: request.method,
            path: request.path,
            retryAfterMs: res.status === 429 && headerNumber(res, 'x-rate-limit-reset') !== undefined
                ? headerNumber(res, 'x-rate-limit-reset') * 1000
                : undefined,
            outcomeUnknown: res.status >= 500 && !idempotent,
        });
    }
    errorFromNetwork(request, error, outcomeUnknown) {
        const code = error.code ?? 'NETWORK';
        const what = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timed out' : `failed (${code})`;
        return new tripletex_errors_1.TripletexError('unavailable', `Tripletex ${request.method} ${request.path} ${what}${outcomeUnknown ? '; it may or may not have taken effect' : ''}`, { status: 0, method: request.method, path: request.path, outcomeUnknown }, error);
    }
}
exports.TripletexHttp = TripletexHttp;
//# sourceMappingURL=tripletex-http.js.map