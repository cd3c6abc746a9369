#!/usr/bin/env bash
# A Docker engine for CI and tests, as ../shared/DOCKER.md describes for machines like ours.
#
#   deploy/docker/engine.sh start   answer 0 when an engine answers; otherwise install Debian's
#                                   docker.io (as root, with apt) and start dockerd in the
#                                   background (pid in .cache/docker/dockerd.pid); exit 3 when no
#                                   engine can be had here, saying why in one line
#   deploy/docker/engine.sh stop    stop the engine this script started (by its pid), nothing else
#   deploy/docker/engine.sh compose print the compose command that works here
#                                   (`docker compose`, else Debian's `docker-compose`)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pidfile="$root/.cache/docker/dockerd.pid"
say() { printf '[docker] %s\n' "$*" >&2; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

start() {
  if answers; then say "an engine answers ($(docker info -f '{{.ServerVersion}}' 2>/dev/null))"; return 0; fi
  if [[ "$(id -u)" != 0 ]]; then say "no engine answers and starting one needs root; skipped"; exit 3; fi
  if ! command -v dockerd >/dev/null; then
    command -v apt-get >/dev/null || { say "no engine, no dockerd and no apt-get; skipped"; exit 3; }
    say "installing Debian's docker.io and docker-compose"
    apt-get install -y -q docker.io docker-compose >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q docker.io docker-compose >/dev/null 2>&1; } \
      || { say "apt-get could not install docker.io; skipped"; exit 3; }
  fi
  mkdir -p "$(dirname "$pidfile")"
  nohup dockerd >"$root/.cache/docker/dockerd.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 60); do
    if answers; then say "dockerd started (pid $(cat "$pidfile"))"; return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 1
  done
  say "dockerd did not come up; last lines of .cache/docker/dockerd.log:"
  tail -n 5 "$root/.cache/docker/dockerd.log" >&2 || true
  exit 3
}

stop() {
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    say "dockerd (pid $pid) stopped"
  fi
  rm -f "$pidfile"
}

compose() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null; then echo "docker-compose"
  else
    command -v apt-get >/dev/null && apt-get install -y -q docker-compose >/dev/null 2>&1 \
      && echo "docker-compose" && return 0
    say "neither \`docker compose\` nor docker-compose is installed"; exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  compose) compose ;;
  *) echo "usage: $0 start|stop|compose" >&2; exit 2 ;;
esac
