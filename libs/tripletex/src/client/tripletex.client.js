"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexClient = void 0;
const tripletex_company_client_1 = require("./tripletex-company.client");
const tripletex_http_1 = require("./tripletex-http");
/**
 * The Tripletex API v2 client of a deployment (one consumer token, many companies). Share one
 * instance per process: it holds the connection pool, the session-token cache and the
 * per-company concurrency limits.
 */
class TripletexClient {
    options;
    http;
    constructor(options) {
        this.options = options;
        this.http = new tripletex_http_1.TripletexHttp(options);
    }
    /** Calls on behalf of one company. Cheap: create one per use if convenient. */
    company(credentials) {
        return new tripletex_company_client_1.TripletexCompanyClient(this.http, credentials);
    }
    /** A new session token straight from the two tokens (token verification; bypasses the cache). */
    createSession(employeeToken, expirationDate) {
        return this.http.createSession(employeeToken, expirationDate);
    }
    /** Forget a company's cached session: call it when its employee token changes or is removed. */
    forget(key) {
        this.http.forget(key);
    }
    close() {
        this.http.close();
    }
}
exports.TripletexClient = TripletexClient;
//# sourceMappingURL=tripletex.client.js.map