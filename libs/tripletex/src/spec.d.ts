/** Where the vendored OpenAPI document lives (copied from shared/tripletex; see spec/SOURCE.md). */
export declare const TRIPLETEX_SPEC_PATH: string;
/** Tripletex's own OpenAPI 3 document (2.74, trimmed to what we use), parsed. */
export declare function loadTripletexSpec(): Record<string, unknown>;
