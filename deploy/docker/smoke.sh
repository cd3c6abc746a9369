#!/usr/bin/env bash
# The Docker path, really run: build the images, bring docker-compose.yml up, wait for every
# healthcheck, run the smoke flow through the stack's published ports
# (deploy/e2e/test/compose.smoke-spec.ts), then `down -v`.
#
#   deploy/docker/smoke.sh               official images when present or pullable, else the
#                                        locally built stand-ins (deploy/docker/images.sh)
#   deploy/docker/smoke.sh --stand-ins   the stand-ins, always
#   deploy/docker/smoke.sh --keep        leave the stack running afterwards
#
# Its own compose project (pos-tripletex-smoke), env file (.cache/docker/smoke.env, fresh
# secrets from `npm run secrets`) and host ports (13001-13004, 13080, Kafka 39092, PostgreSQL
# 55433), so it never meets an operator's stack or `npm run up`. Needs a Docker engine
# (deploy/docker/engine.sh start). Exit 3: no engine answers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
say() { printf '[smoke] %s\n' "$*" >&2; }
started=$SECONDS
elapsed() { echo "$((SECONDS - started)) s"; }

stand_ins=false keep=false
for arg in "$@"; do
  case "$arg" in
    --stand-ins) stand_ins=true ;;
    --keep) keep=true ;;
    *) echo "usage: $0 [--stand-ins] [--keep]" >&2; exit 2 ;;
  esac
done

timeout 10 docker info >/dev/null 2>&1 || { say "no Docker engine answers"; exit 3; }
read -r -a compose <<<"$(bash "$here/engine.sh" compose)"

OFFICIAL=(apache/kafka:3.9.1 postgres:16.6-alpine node:24-bookworm-slim)
official_available() {
  local image
  for image in "${OFFICIAL[@]}"; do
    docker image inspect "$image" >/dev/null 2>&1 && continue
    timeout 120 docker pull -q "$image" >/dev/null 2>&1 || { say "cannot pull $image"; return 1; }
  done
}

files=(-f docker-compose.yml)
if [[ "$stand_ins" == false ]] && official_available; then
  say "official images: ${OFFICIAL[*]}"
  unset NODE_IMAGE
else
  say "no registry gives the official images: using the locally built stand-ins"
  build_start=$SECONDS
  bash "$here/images.sh" stand-ins
  say "stand-in images ready in $((SECONDS - build_start)) s"
  files+=(-f deploy/docker/compose.stand-ins.yml)
  export NODE_IMAGE
  NODE_IMAGE="$(bash "$here/images.sh" names | sed -n 's/^NODE_STAND_IN=//p')"
fi

build_start=$SECONDS
bash "$here/images.sh" services
say "service images built in $((SECONDS - build_start)) s"

# Production refuses the development secrets this repository publishes (compose's defaults),
# naming each variable: proven on the built image, the way compose starts it.
refusal="$(docker run --rm -e NODE_ENV=production \
  -e DATABASE_URL=postgres://postgres:pos-tripletex-local@127.0.0.1:1/pos_tripletex \
  -e KAFKA_BROKERS=127.0.0.1:1 -e TRIPLETEX_CONSUMER_TOKEN=sandbox-consumer-token \
  -e AUTH_JWT_SECRET=local-only-jwt-secret-change-me-0123456789abcdef \
  -e ENCRYPTION_KEYS=local1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= \
  -e ENCRYPTION_ACTIVE_KEY_ID=local1 pos-tripletex/onboarding 2>&1)" \
  && { say "the onboarding image started with the development secrets"; exit 1; }
# (and the default http:// TRIPLETEX_BASE_URL, without the sandbox's TRIPLETEX_ALLOW_HTTP=true)
for variable in AUTH_JWT_SECRET ENCRYPTION_KEYS DATABASE_URL TRIPLETEX_BASE_URL 'npm run secrets'; do
  grep -q "$variable" <<<"$refusal" || { say "refusal does not name $variable:"; echo "$refusal" >&2; exit 1; }
done
if grep -q 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\|change-me-0123' <<<"$refusal"; then
  say "the refusal printed a secret"; exit 1
fi
say "NODE_ENV=production refuses the development secrets, naming AUTH_JWT_SECRET, ENCRYPTION_KEYS and DATABASE_URL, and an http:// TRIPLETEX_BASE_URL"

env_file="$root/.cache/docker/smoke.env"
rm -f "$env_file"
node deploy/local/secrets.mjs --file "$env_file" >/dev/null
cat >>"$env_file" <<'ENV'
ONBOARDING_PORT=13001
SALES_EXPORT_PORT=13002
CUSTOMER_SYNC_PORT=13003
INVOICING_PORT=13004
TRIPLETEX_SANDBOX_PORT=13080
KAFKA_EXTERNAL_PORT=39092
POSTGRES_PORT=55433
ONBOARDING_ADMIN_PORT=19001
SALES_EXPORT_ADMIN_PORT=19002
CUSTOMER_SYNC_ADMIN_PORT=19003
INVOICING_ADMIN_PORT=19004
TRIPLETEX_SANDBOX_ADMIN_PORT=19080
ENV
project=(-p pos-tripletex-smoke --env-file "$env_file" "${files[@]}")
dc() { "${compose[@]}" "${project[@]}" "$@"; }

down() {
  if [[ "$keep" == true ]]; then say "left running: ${compose[*]} ${project[*]} down -v"; return; fi
  dc down -v --remove-orphans >/dev/null 2>&1 || true
}
trap down EXIT

dc up -d --no-build 2>&1 | grep -v -i 'deprecat' >&2 || true

# Every container healthy, every migrate step exited 0 – or a clear failure with its logs.
if ! WAIT_HEALTHY_SECONDS="${SMOKE_UP_TIMEOUT:-300}" node "$here/wait-healthy.mjs" "${compose[@]}" "${project[@]}"; then
  dc logs --no-color --tail 30 >&2 || true
  exit 1
fi

flow_start=$SECONDS
set -a
# shellcheck disable=SC1090
source "$env_file"
set +a
status=0
npx jest -c deploy/e2e/jest.smoke.config.js --json \
  --outputFile=.cache/test-results/docker/compose-smoke.json || status=$?
if [[ "$status" != 0 ]]; then dc logs --no-color --tail 40 >&2 || true; fi
say "smoke flow $([[ $status == 0 ]] && echo passed || echo FAILED) in $((SECONDS - flow_start)) s; $(elapsed) in all"
exit "$status"
