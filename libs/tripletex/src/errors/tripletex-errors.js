"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexError = void 0;
exports.kindOfStatus = kindOfStatus;
exports.describeTripletexBody = describeTripletexBody;
const platform_1 = require("@pos-tripletex/platform");
const CODES = {
    'bad-request': 'TRIPLETEX.BAD_REQUEST',
    validation: 'TRIPLETEX.VALIDATION',
    unauthorized: 'TRIPLETEX.UNAUTHORIZED',
    forbidden: 'TRIPLETEX.FORBIDDEN',
    'not-found': 'TRIPLETEX.NOT_FOUND',
    conflict: 'TRIPLETEX.CONFLICT',
    'rate-limited': 'TRIPLETEX.RATE_LIMITED',
    unavailable: 'TRIPLETEX.UNAVAILABLE',
};
/**
 * Every failure of a Tripletex call, typed by kind, with everything Tripletex said (its code,
 * message, each validation message and the request id). Rate limits and unavailability are
 * retriable; the rest are final. No raw AxiosError leaves libs/tripletex.
 */
class TripletexError extends platform_1.AppError {
    kind;
    status;
    tlxCode;
    validationMessages;
    developerMessage;
    requestId;
    method;
    path;
    retryAfterMs;
    outcomeUnknown;
    constructor(kind, message, details, cause) {
        super(CODES[kind], message, {
            retriable: kind === 'rate-limited' || kind === 'unavailable',
            httpStatus: kind === 'rate-limited' || kind === 'unavailable' ? 503 : 422,
            details: {
                tripletexStatus: details.status,
                tripletexCode: details.tlxCode,
                requestId: details.requestId,
                validationMessages: details.validationMessages,
            },
            cause,
        });
        this.name = 'TripletexError';
        this.kind = kind;
        this.status = details.status;
        this.tlxCode = details.tlxCode;
        this.validationMessages = details.validationMessages ?? [];
        this.developerMessage = details.developerMessage;
        this.requestId = details.requestId;
        this.method = details.method;
        this.path = details.path;
        this.retryAfterMs = details.retryAfterMs;
        this.outcomeUnknown = details.outcomeUnknown ?? false;
    }
    /** Is it this kind of failure? (instanceof-free, so it survives serialisation.) */
    static is(error, kind) {
        return error instanceof TripletexError && (kind === undefined || error.kind === kind);
    }
}
exports.TripletexError = TripletexError;
function kindOfStatus(status) {
    if (status === 400)
        return 'bad-request';
    if (status === 401)
        return 'unauthorized';
    if (status === 403)
        return 'forbidden';
    if (status === 404)
        return 'not-found';
    if (status === 409)
        return 'conflict';
    if (status === 429)
        return 'rate-limited';
    if (status >= 500)
        return 'unavailable';
    return 'validation';
}
/** "message: field: text; field: text" – everything Tripletex said, for logs and operators. */
function describeTripletexBody(message, validationMessages) {
    const fields = (validationMessages ?? [])
        .map((v) => (v.field ? `${v.field}: ${v.message}` : v.message))
        .join('; ');
    return [message, fields].filter((s) => s && s.length > 0).join(': ') || 'no message';
}
//# sourceMappingURL=tripletex-errors.js.map