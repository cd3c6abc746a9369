#!/usr/bin/env node
// `npm run up`: installs what is missing, provisions Kafka and PostgreSQL, runs each service's
// migrations, starts all five services with readable per-service logs, and says where they
// listen. The Docker path (the compose stack) only when it can work – an engine answers, a compose
// command exists and the images exist or can be pulled, or our stand-ins are built
// (deploy/local/docker-path.mjs) – otherwise deploy/local/infra.sh; one line says which and why.
//   npm run up                  foreground; Ctrl-C stops the services
//   npm run up -- --detach      background; logs in .cache/run/<service>.log; `npm run down` stops
//   npm run up -- --local       never use Docker, even if an engine answers
//   npm run up -- --docker      the compose stack, or a clear refusal saying why it cannot work
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ensureDependencies } from './deps.mjs';
import { composeCommand, dockerPath } from './docker-path.mjs';
import { waitHealthy } from '../docker/wait-healthy.mjs';
import { localSecrets, RUN_DIR, SERVICES, serviceEnv } from './services.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = new Set(process.argv.slice(2));
const detach = args.has('--detach') || args.has('-d');
const colors = [36, 35, 33, 32, 34, 31];
const tty = process.stdout.isTTY;
const paint = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);

function say(message) {
  console.log(paint(1, `[up] ${message}`));
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[up] failed: ${command} ${commandArgs.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

/** A BackOffice-style token to try the APIs with (signed with the local secret). */
function demoJwt(secret = localSecrets().AUTH_JWT_SECRET) {
  const { sign } = createRequire(import.meta.url)('jsonwebtoken');
  return sign({ companyId: 'demo-company', sub: 'local-operator' }, secret, {
    algorithm: 'HS256',
    expiresIn: '1d',
  });
}

/** A variable of the compose stack's .env (written by `npm run secrets`). */
function dotEnv(name) {
  const line = readFileSync(`${root}.env`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

/** The Docker path if it can work here (see the header), else why not. */
function chooseDocker() {
  const mode = args.has('--local') ? 'local' : args.has('--docker') ? 'docker' : 'auto';
  let path = dockerPath(mode, ['kafka', 'postgres', 'node']);
  const compose = path.use ? composeCommand() : undefined;
  if (path.use && !compose)
    path = {
      use: false,
      reason:
        'a Docker engine answers, but neither `docker compose` nor docker-compose is installed',
    };
  if (mode === 'docker' && !path.use) {
    console.error(`[up] --docker cannot work here: ${path.reason}`);
    process.exit(2);
  }
  return { ...path, compose };
}

/** One readable line per JSON log line: time, level, [service], context, message. */
function prettyLine(service, color, line) {
  const tag = paint(color, `[${service}]`.padEnd(20));
  try {
    const log = JSON.parse(line);
    const time = typeof log.time === 'string' ? log.time.slice(11, 19) : '';
    const level = String(log.level ?? '')
      .toUpperCase()
      .padEnd(5);
    const levelPainted = /ERROR|FATAL/.test(level)
      ? paint(31, level)
      : /WARN/.test(level)
        ? paint(33, level)
        : level;
    const context = log.context ? paint(2, `${log.context} `) : '';
    const request = log.req
      ? ` ${log.req.method} ${log.req.url} → ${log.res?.statusCode} (${log.responseTime} ms)`
      : '';
    return `${tag} ${time} ${levelPainted} ${context}${log.msg ?? ''}${request}`;
  } catch {
    return `${tag} ${line}`;
  }
}

function pipeLines(stream, service, color) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) console.log(prettyLine(service, color, line));
  });
}

async function waitReady(service, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/ready`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function portTaken(port) {
  return fetch(`http://127.0.0.1:${port}/health`).then(
    () => true,
    () => false,
  );
}

async function upLocal() {
  say('provisioning Kafka and PostgreSQL without Docker (deploy/local/infra.sh)');
  run('bash', ['deploy/local/infra.sh', 'up']);
  say('building');
  run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], {
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  for (const service of SERVICES.filter((s) => s.database)) {
    say(`migrating ${service.name}`);
    run('node', [`services/${service.name}/dist/migrate.js`], { env: serviceEnv(service) });
  }
  for (const service of SERVICES) {
    for (const port of [service.port, service.adminPort]) {
      if (await portTaken(port)) {
        console.error(
          `[up] port ${port} (${service.name}) is already in use: is it running already? \`npm run down\` stops a detached run.`,
        );
        process.exit(1);
      }
    }
  }
  mkdirSync(RUN_DIR, { recursive: true });
  const children = SERVICES.map((service, i) => {
    const entry = `services/${service.name}/dist/main.js`;
    if (detach) {
      const log = openSync(new URL(`${service.name}.log`, RUN_DIR), 'a');
      const child = spawn('node', [entry], {
        cwd: root,
        env: serviceEnv(service),
        detached: true,
        stdio: ['ignore', log, log],
      });
      writeFileSync(new URL(`${service.name}.pid`, RUN_DIR), String(child.pid));
      child.unref();
      return { service, child };
    }
    const child = spawn('node', [entry], {
      cwd: root,
      env: serviceEnv(service),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeLines(child.stdout, service.name, colors[i % colors.length]);
    pipeLines(child.stderr, service.name, colors[i % colors.length]);
    child.on('exit', (code, signal) => {
      if (!stopping)
        console.error(`[up] ${service.name} exited (${signal ?? code}); see its log above`);
    });
    return { service, child };
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping services (SIGTERM; they drain and commit first)');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    say('services stopped. Kafka keeps running: `npm run down` stops it.');
    process.exit(0);
  };
  if (!detach) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }

  const results = await Promise.all(SERVICES.map(async (s) => [s, await waitReady(s)]));
  console.log('');
  for (const [service, ready] of results) {
    const state = ready ? paint(32, 'ready') : paint(31, 'NOT READY');
    console.log(
      `  ${service.name.padEnd(18)} http://localhost:${service.port}   admin (/metrics, /ready details) http://localhost:${service.adminPort}   ${state}`,
    );
  }
  console.log(`  ${'kafka'.padEnd(18)} 127.0.0.1:9092`);
  console.log(`  ${'docs'.padEnd(18)} http://localhost:3001/docs (onboarding API)`);
  console.log(`  BackOffice JWT for company "demo-company" (1 day): ${demoJwt()}`);
  console.log(
    `  ${'postgresql'.padEnd(18)} 127.0.0.1:5432 (database pos_tripletex, a schema per service)`,
  );
  console.log('');
  if (detach) {
    say(
      'running in the background; logs in .cache/run/<service>.log; stop everything with `npm run down`',
    );
  } else {
    say('Ctrl-C stops the services; `npm run down` also stops Kafka');
  }
  if (results.some(([, ready]) => !ready)) {
    console.error('[up] some services are not ready; read their logs');
    if (detach) process.exit(1);
  }
}

function upDocker(path) {
  say(`the compose stack (docker-compose.yml): ${path.reason}`);
  // .env with fresh secrets (the services refuse the published development ones); values
  // already set there are kept.
  run('node', [`${root}deploy/local/secrets.mjs`]);
  const files = ['-f', 'docker-compose.yml'];
  const env = { ...process.env };
  if (path.standIns) {
    files.push('-f', 'deploy/docker/compose.stand-ins.yml');
    env.NODE_IMAGE = path.images.node;
  }
  const [command, ...base] = path.compose;
  // `--wait` is compose v2's; Debian's docker-compose 1.29 returns once the containers started.
  const wait = detach && base.length > 0 ? ['--wait'] : [];
  run(command, [...base, ...files, 'up', '--build', ...(detach ? ['-d', ...wait] : [])], { env });
  if (detach && wait.length === 0) {
    const healthy = waitHealthy([command, ...base, ...files]);
    if (!healthy.ok) {
      console.error(`[up] the compose stack is not healthy: ${healthy.summary}`);
      process.exit(1);
    }
    say('every container is healthy');
  }
  if (detach) {
    console.log(
      `  BackOffice JWT for company "demo-company" (1 day): ${demoJwt(dotEnv('AUTH_JWT_SECRET'))}`,
    );
    say(`stop with: ${path.compose.join(' ')} ${files.join(' ')} down`);
  }
}

ensureDependencies(say);
const docker = chooseDocker();
if (docker.use) upDocker(docker);
else {
  if (!args.has('--local')) say(`local path (deploy/local/infra.sh): ${docker.reason}`);
  await upLocal();
}
