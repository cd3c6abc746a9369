#!/usr/bin/env bash
# Local infrastructure without Docker: a real Kafka broker (deploy/kafka/kafka.sh) and the
# machine's PostgreSQL, with the databases the services and the tests use.
#
#   deploy/local/infra.sh up       start Kafka, make sure PostgreSQL runs, create databases
#   deploy/local/infra.sh down     stop Kafka (PostgreSQL is the machine's; it is left running)
#   deploy/local/infra.sh status   say what answers
#   deploy/local/infra.sh env      print the env vars tests and services need (eval-able)
#   deploy/local/infra.sh test-up    the tests' own broker (127.0.0.1:19092, emptied at every start)
#                                    and PostgreSQL's pos_tripletex_test database
#   deploy/local/infra.sh test-down  stop the tests' broker
#   deploy/local/infra.sh test-env   the env vars of the tests' infrastructure (eval-able)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pg_host="${PGHOST_LOCAL:-127.0.0.1}"
pg_port="${PGPORT_LOCAL:-5432}"
pg_admin="${PGUSER_ADMIN:-postgres}"
app_db="${APP_DATABASE:-pos_tripletex}"
test_db="${TEST_DATABASE:-pos_tripletex_test}"

say() { printf '[infra] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

psql_admin() { psql -h "$pg_host" -p "$pg_port" -U "$pg_admin" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

pg_ready() { pg_isready -h "$pg_host" -p "$pg_port" -q 2>/dev/null; }

ensure_postgres() {
  command -v pg_isready >/dev/null || die "PostgreSQL client tools are missing (apt-get install postgresql-client)"
  if ! pg_ready; then
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
      local version; version="$(ls /etc/postgresql | sort -V | tail -n 1)"
      say "starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
    pg_ready || die "PostgreSQL does not answer on $pg_host:$pg_port"
  fi
  for db in "$app_db" "$test_db"; do
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]]; then
      psql_admin -c "CREATE DATABASE \"$db\""
      say "created database $db"
    fi
  done
  say "PostgreSQL ready on $pg_host:$pg_port (databases $app_db, $test_db)"
}

# The tests' broker: its own port and data, the jars of the main cache. Never the stack's broker,
# so `npm test` and `npm run up` can run side by side, and no earlier run's records are left.
test_kafka() {
  KAFKA_PORT="${KAFKA_TEST_PORT:-19092}" \
  KAFKA_CONTROLLER_PORT="${KAFKA_TEST_CONTROLLER_PORT:-19093}" \
  KAFKA_CACHE_DIR="$root/.cache/kafka-test" \
  KAFKA_JARS_DIR="$root/.cache/kafka/libs" \
  KAFKA_HEAP="${KAFKA_TEST_HEAP:-768m}" \
    "$root/deploy/kafka/kafka.sh" "$@"
}

# The tests connect as the broker's super user `admin`; KAFKA_PASSWORD_<PRINCIPAL> give the e2e
# system each service's own principal.
print_test_env() {
  test_kafka env admin
  cat <<ENV
export DATABASE_URL=postgres://$pg_admin@$pg_host:$pg_port/$test_db
export KAFKA_PORT=${KAFKA_TEST_PORT:-19092}
export KAFKA_CONTROLLER_PORT=${KAFKA_TEST_CONTROLLER_PORT:-19093}
export KAFKA_CACHE_DIR=$root/.cache/kafka-test
export KAFKA_JARS_DIR=$root/.cache/kafka/libs
ENV
}

print_env() {
  "$root/deploy/kafka/kafka.sh" env admin
  cat <<ENV
export DATABASE_URL=postgres://$pg_admin@$pg_host:$pg_port/$test_db
ENV
}

case "${1:-}" in
  up)
    ensure_postgres
    "$root/deploy/kafka/kafka.sh" start
    ;;
  down) "$root/deploy/kafka/kafka.sh" stop ;;
  test-up)
    ensure_postgres
    test_kafka reset >/dev/null
    test_kafka start
    ;;
  test-down) test_kafka stop ;;
  test-env) print_test_env ;;
  status)
    if pg_ready; then echo "ready: PostgreSQL on $pg_host:$pg_port"; else echo "not ready: PostgreSQL"; fi
    "$root/deploy/kafka/kafka.sh" status || true
    ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|status|env|test-up|test-down|test-env" >&2; exit 2 ;;
esac
