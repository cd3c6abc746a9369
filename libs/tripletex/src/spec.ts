import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the vendored OpenAPI document lives (copied from shared/tripletex; see spec/SOURCE.md). */
export const TRIPLETEX_SPEC_PATH = join(__dirname, '..', 'spec', 'openapi.subset.json');

/** Tripletex's own OpenAPI 3 document (2.74, trimmed to what we use), parsed. */
export function loadTripletexSpec(): Record<string, unknown> {
  return JSON.parse(readFileSync(TRIPLETEX_SPEC_PATH, 'utf8')) as Record<string, unknown>;
}
