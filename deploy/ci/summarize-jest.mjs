// One summary line per test tier, from the JSON results each jest run writes
// (.cache/test-results/<tier>/<project>.json; see the test and integration targets).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../.cache/test-results/', import.meta.url);
let failed = false;
for (const tier of ['unit', 'integration', 'e2e', 'docker']) {
  const tierDir = new URL(`${tier}/`, dir);
  const files = existsSync(tierDir) ? readdirSync(tierDir).filter((f) => f.endsWith('.json')) : [];
  const t = { projects: files.length, suites: 0, passed: 0, failed: 0, skipped: 0 };
  for (const file of files) {
    const r = JSON.parse(readFileSync(new URL(file, tierDir), 'utf8'));
    t.suites += r.numTotalTestSuites;
    t.passed += r.numPassedTests;
    t.failed += r.numFailedTests;
    t.skipped += r.numPendingTests + r.numTodoTests;
  }
  failed ||= t.failed > 0;
  console.log(
    `${tier.padEnd(12)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped: ${t.suites} suites in ${t.projects} projects`,
  );
}
process.exitCode = failed ? 1 : 0;
