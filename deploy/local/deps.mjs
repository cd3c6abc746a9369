// Installs the dependencies when node_modules is missing or older than package-lock.json, so the
// README's commands work on a fresh clone (`npm run up`, `npm test`).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function ensureDependencies(say) {
  const marker = `${root}node_modules/.package-lock.json`;
  const stale =
    !existsSync(marker) || statSync(`${root}package-lock.json`).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  say('installing dependencies (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('npm ci failed');
    process.exit(result.status ?? 1);
  }
}
