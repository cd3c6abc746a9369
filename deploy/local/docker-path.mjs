// Whether the Docker path can work here, decided once and the same way for `npm run up` and
// `npm test`: an engine must answer AND the images it needs must exist or be pullable – the
// official ones (docker-compose.yml, testcontainers) or, where no registry answers, our locally
// built stand-ins (deploy/docker/images.sh stand-ins). Never half: the answer says why in one line.
import { spawnSync } from 'node:child_process';

export const OFFICIAL = {
  kafka: 'apache/kafka:3.9.1',
  postgres: 'postgres:16.6-alpine',
  node: 'node:24-bookworm-slim',
};
export const STAND_INS = {
  kafka: 'pos-tripletex/ci-kafka:3.9.1',
  postgres: 'pos-tripletex/ci-postgres:15',
  node: 'pos-tripletex/ci-node:24',
};
/** The reaper testcontainers starts unless TESTCONTAINERS_RYUK_DISABLED=true. */
export const RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';

const quiet = { stdio: 'ignore', timeout: 120_000 };
const engineAnswers = () =>
  spawnSync('docker', ['info'], { ...quiet, timeout: 10_000 }).status === 0;
export const imagePresent = (image) =>
  spawnSync('docker', ['image', 'inspect', image], quiet).status === 0;
const pullable = (image) => spawnSync('docker', ['pull', '-q', image], quiet).status === 0;

/** `docker compose` (v2) or Debian's `docker-compose`, or undefined. */
export function composeCommand() {
  if (spawnSync('docker', ['compose', 'version'], quiet).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], quiet).status === 0) return ['docker-compose'];
  return undefined;
}

/**
 * @param {'auto' | 'docker' | 'local'} mode  --docker / --local force one; auto decides
 * @param {('kafka' | 'postgres' | 'node')[]} needs  the images this use needs
 * @returns {{ use: boolean, reason: string, images?: Record<string,string>, standIns?: boolean }}
 */
export function dockerPath(mode, needs) {
  if (mode === 'local') return { use: false, reason: '--local: the local path' };
  if (!engineAnswers()) return { use: false, reason: 'no Docker engine answers' };
  const missing = needs.filter((n) => !imagePresent(OFFICIAL[n]));
  const unpullable = missing.find((n) => !pullable(OFFICIAL[n]));
  if (!unpullable) {
    const images = Object.fromEntries(needs.map((n) => [n, OFFICIAL[n]]));
    return { use: true, reason: `official images (${Object.values(images).join(', ')})`, images };
  }
  const standInsMissing = needs.filter((n) => !imagePresent(STAND_INS[n]));
  if (standInsMissing.length === 0) {
    const images = Object.fromEntries(needs.map((n) => [n, STAND_INS[n]]));
    return {
      use: true,
      standIns: true,
      reason: `${OFFICIAL[unpullable]} cannot be pulled: the locally built stand-ins (${Object.values(images).join(', ')})`,
      images,
    };
  }
  return {
    use: false,
    reason: `a Docker engine answers, but ${OFFICIAL[unpullable]} cannot be pulled and no stand-in is built (deploy/docker/images.sh stand-ins)`,
  };
}

/**
 * Ryuk (testcontainers' reaper) where its image can be had; otherwise disabled explicitly in
 * `env`, saying so – the jest global teardown then removes the containers it started.
 */
export function ryukOrDisabled(env, say) {
  if (env.TESTCONTAINERS_RYUK_DISABLED) return;
  if (imagePresent(RYUK_IMAGE) || pullable(RYUK_IMAGE)) return;
  env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  say(
    `${RYUK_IMAGE} cannot be had here: Ryuk disabled explicitly; the teardown removes containers`,
  );
}
