"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexBaseUrls = void 0;
/**
 * The typed Tripletex API v2 client: session tokens, typed calls, paging, errors, retries.
 * The only place that may import axios. Types are generated from spec/openapi.subset.json.
 */
__exportStar(require("./types"), exports);
__exportStar(require("./errors/tripletex-errors"), exports);
__exportStar(require("./client/options"), exports);
__exportStar(require("./client/retry-policy"), exports);
__exportStar(require("./client/paginate"), exports);
__exportStar(require("./client/semaphore"), exports);
__exportStar(require("./client/session-tokens"), exports);
__exportStar(require("./client/tripletex-http"), exports);
__exportStar(require("./client/tripletex-company.client"), exports);
__exportStar(require("./client/tripletex.client"), exports);
__exportStar(require("./spec"), exports);
/** Tripletex's own base URLs (configurable per deployment; tests use services/tripletex-sandbox). */
exports.TripletexBaseUrls = {
    production: 'https://tripletex.no/v2',
    test: 'https://api-test.tripletex.tech/v2',
};
__exportStar(require("./nest/tripletex.module"), exports);
__exportStar(require("./money/money"), exports);
__exportStar(require("./money/vat"), exports);
//# sourceMappingURL=index.js.map