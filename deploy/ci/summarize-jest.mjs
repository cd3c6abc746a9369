// One summary line per test tier, from the JSON results each jest run writes
// (.cache/test-results/<tier>/<project>.json; see the test and integration targets), then every
// failed test by name with the start of its message: CI's printout is often shown only in part,
// and its last lines must say what failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../.cache/test-results/', import.meta.url);
let failed = false;
const failures = [];
const strip = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
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
    for (const suite of r.testResults ?? []) {
      const where = suite.name.replace(/^.*?\/(services|libs|deploy)\//, '$1/');
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0)
        failures.push({ tier, where, title: '(the suite did not run)', message: suite.message });
      for (const test of suite.assertionResults ?? [])
        if (test.status === 'failed')
          failures.push({
            tier,
            where,
            title: test.fullName,
            message: (test.failureMessages ?? []).join('\n'),
          });
    }
  }
  failed ||= t.failed > 0;
  console.log(
    `${tier.padEnd(12)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped: ${t.suites} suites in ${t.projects} projects`,
  );
}
for (const failure of failures) {
  const lines = strip(failure.message ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 12);
  console.log(`\nFAILED ${failure.tier}: ${failure.where}: ${failure.title}`);
  for (const line of lines) console.log(`  ${line.slice(0, 300)}`);
}
process.exitCode = failed ? 1 : 0;
