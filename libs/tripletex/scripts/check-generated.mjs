// Fails when libs/tripletex/src/generated/tripletex-api.ts is not what openapi-typescript makes of
// the vendored spec (run `npx nx run tripletex:generate`), or when the vendored spec differs from
// shared/tripletex/openapi.subset.json where that is checked out beside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = resolve(fileURLToPath(new URL('..', import.meta.url)));
const spec = join(lib, 'spec/openapi.subset.json');
const committed = join(lib, 'src/generated/tripletex-api.ts');
const dir = mkdtempSync(join(tmpdir(), 'tripletex-types-'));
let failed = false;
try {
  const fresh = join(dir, 'tripletex-api.ts');
  execFileSync(join(lib, '../../node_modules/.bin/openapi-typescript'), [spec, '-o', fresh], {
    stdio: 'ignore',
  });
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error(
      'libs/tripletex/src/generated/tripletex-api.ts is stale: run `npx nx run tripletex:generate` and commit it',
    );
    failed = true;
  } else {
    console.log('generated Tripletex types match spec/openapi.subset.json');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const shared = resolve(
  process.env.SHARED_DIR ?? join(lib, '../../../shared'),
  'tripletex/openapi.subset.json',
);
if (existsSync(shared)) {
  if (readFileSync(shared, 'utf8') !== readFileSync(spec, 'utf8')) {
    console.error(
      `libs/tripletex/spec/openapi.subset.json differs from ${shared}: copy it over and regenerate`,
    );
    failed = true;
  } else {
    console.log(`vendored spec matches ${shared}`);
  }
}
process.exit(failed ? 1 : 0);
