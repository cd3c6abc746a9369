"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TRIPLETEX_SPEC_PATH = void 0;
exports.loadTripletexSpec = loadTripletexSpec;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
/** Where the vendored OpenAPI document lives (copied from shared/tripletex; see spec/SOURCE.md). */
exports.TRIPLETEX_SPEC_PATH = (0, node_path_1.join)(__dirname, '..', 'spec', 'openapi.subset.json');
/** Tripletex's own OpenAPI 3 document (2.74, trimmed to what we use), parsed. */
function loadTripletexSpec() {
    return JSON.parse((0, node_fs_1.readFileSync)(exports.TRIPLETEX_SPEC_PATH, 'utf8'));
}
//# sourceMappingURL=spec.js.map