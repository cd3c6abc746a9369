// Fails when libs/tripletex/src/generated/tripletex-api.ts is not what openapi-typescript makes of
// the vendored spec (run `npx nx run tripletex:generate`), or when the vendored spec is not the
// shared subset plus the project's own paths (scripts/trim-subset.py) where ../shared is checked
// out beside the repository.
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
// The vendored subset is the shared one plus the paths this project added (trim-subset.py's
// PROJECT_PATHS), trimmed from the full spec with the shared script: where ../shared is checked
// out, the vendored file must be exactly what that makes.
const sharedDir = resolve(process.env.SHARED_DIR ?? join(lib, '../../../shared'), 'tripletex');
if (existsSync(join(sharedDir, 'trim_openapi.py'))) {
  const again = mkdtempSync(join(tmpdir(), 'tripletex-subset-'));
  try {
    const made = join(again, 'openapi.subset.json');
    execFileSync('python3', [join(lib, 'scripts/trim-subset.py'), sharedDir, made], {
      stdio: 'inherit',
    });
    if (readFileSync(made, 'utf8') !== readFileSync(spec, 'utf8')) {
      console.error(
        `libs/tripletex/spec/openapi.subset.json is not what scripts/trim-subset.py makes of ${sharedDir}: run \`python3 libs/tripletex/scripts/trim-subset.py ${sharedDir} libs/tripletex/spec/openapi.subset.json\` and regenerate`,
      );
      failed = true;
    } else {
      console.log(`vendored spec is the shared subset plus the project's paths (${sharedDir})`);
    }
  } finally {
    rmSync(again, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
