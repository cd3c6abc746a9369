#!/usr/bin/env node
// What `docker compose up --wait` does, for every compose version (Debian's docker-compose 1.29
// has no --wait): every container running and healthy, every one-shot step (the migrations)
// exited 0. Fails at once on an unhealthy container, a non-zero exit or a restart.
//   node deploy/docker/wait-healthy.mjs <compose command and its options…>
//   e.g. node deploy/docker/wait-healthy.mjs docker-compose -p pos-tripletex-smoke -f docker-compose.yml
// Used by deploy/docker/smoke.sh and `npm run up` (deploy/local/up.mjs). Timeout: WAIT_HEALTHY_SECONDS (300).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FORMAT =
  '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}} {{.RestartCount}}';

/** @returns {{ ok: boolean, summary: string }} */
export function waitHealthy(compose, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = spawnSync(compose[0], [...compose.slice(1), 'ps', '-q'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    const states = ids.map((id) => {
      const [name, status, health, code, restarts] = spawnSync(
        'docker',
        ['inspect', '-f', FORMAT, id],
        {
          encoding: 'utf8',
        },
      )
        .stdout.trim()
        .split(' ');
      return { name: name.replace(/^\//, ''), status, health, code, restarts: Number(restarts) };
    });
    const failed = states.filter(
      (s) =>
        s.restarts > 0 ||
        s.health === 'unhealthy' ||
        (['exited', 'dead'].includes(s.status) && s.code !== '0'),
    );
    const waiting = states.filter(
      (s) => !(s.status === 'running' && s.health === 'healthy') && s.status !== 'exited',
    );
    const describe = (list) =>
      list
        .map((s) => `${s.name} (${s.status}/${s.health}, exit ${s.code}, ${s.restarts} restarts)`)
        .join(', ');
    if (failed.length) return { ok: false, summary: `failed: ${describe(failed)}` };
    if (ids.length > 0 && waiting.length === 0)
      return { ok: true, summary: states.map((s) => s.name).join(' ') };
    if (Date.now() > deadline)
      return { ok: false, summary: `not healthy in time: ${describe(waiting)}` };
    spawnSync('sleep', ['2']);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = waitHealthy(
    process.argv.slice(2),
    Number(process.env.WAIT_HEALTHY_SECONDS ?? 300) * 1000,
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (result.ok) console.log(`[wait-healthy] healthy in ${seconds} s: ${result.summary}`);
  else console.error(`[wait-healthy] after ${seconds} s, ${result.summary}`);
  process.exit(result.ok ? 0 : 1);
}
