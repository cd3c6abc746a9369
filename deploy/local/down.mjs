#!/usr/bin/env node
// `npm run down`: stops services started with `npm run up -- --detach` (SIGTERM, they drain),
// then the local Kafka broker; or the compose stack when that is what runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RUN_DIR } from './services.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopOne(file) {
  const pid = Number(readFileSync(new URL(file, RUN_DIR), 'utf8'));
  const name = file.replace(/\.pid$/, '');
  if (pid && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    console.log(`[down] stopped ${name} (pid ${pid})`);
  }
  rmSync(new URL(file, RUN_DIR));
}

/** Stops every service of a detached run at once; each drains before it exits. */
async function stopDetached() {
  if (!existsSync(RUN_DIR)) return;
  await Promise.all(
    readdirSync(RUN_DIR)
      .filter((f) => f.endsWith('.pid'))
      .map(stopOne),
  );
}

const composeRunning =
  spawnSync('docker', ['compose', 'ps', '-q'], { cwd: root, encoding: 'utf8' }).stdout?.trim()
    .length > 0;
if (composeRunning) {
  spawnSync('docker', ['compose', 'down'], { cwd: root, stdio: 'inherit' });
} else {
  await stopDetached();
  spawnSync('bash', ['deploy/local/infra.sh', 'down'], { cwd: root, stdio: 'inherit' });
}
