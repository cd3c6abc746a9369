#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller) without Docker.
#
#   deploy/kafka/kafka.sh start    fetch jars (once), format storage (once), start, wait until ready
#   deploy/kafka/kafka.sh stop     stop the broker (SIGTERM, then SIGKILL after 30 s)
#   deploy/kafka/kafka.sh status   exit 0 and print "ready" when the broker answers metadata requests
#   deploy/kafka/kafka.sh reset    stop and delete the broker's data (topics, offsets)
#   deploy/kafka/kafka.sh fetch    fetch the jars only and print their directory (image builds)
#   deploy/kafka/kafka.sh read T   print topic T from the beginning with keys and headers
#                                  (e.g. a dead-letter topic: pos.checkout.completed.v1.dlq)
#   deploy/kafka/kafka.sh env [P]  print the client settings of principal P (default admin), eval-able
#
# The broker authenticates and authorises (KAFKA_SECURITY=sasl, the default): SASL_PLAINTEXT with
# SCRAM-SHA-512 and PLAIN, the KRaft StandardAuthorizer with nothing allowed unless an ACL says so.
# Principals: `admin` (super user: tools and tests), one per service and `pos` (deploy/kafka/acls.json,
# generated from libs/contracts, applied by deploy/kafka/acls.mjs at every start). Their passwords
# are generated when the storage is formatted and kept in $KAFKA_CACHE_DIR/credentials.env.
# KAFKA_SECURITY=plaintext runs an open broker (no authentication, no ACLs) for debugging only.
#
# Jars come from Maven Central through deploy/kafka/pom.xml into $KAFKA_CACHE_DIR (git-ignored),
# so a second start reuses them. Needs java (17+) and mvn on PATH. KAFKA_PORT,
# KAFKA_CONTROLLER_PORT, KAFKA_CACHE_DIR (data, config, log) and KAFKA_JARS_DIR choose another
# broker, e.g. the tests' own (deploy/local/infra.sh test-up).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KAFKA_CACHE_DIR:-$root/.cache/kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
host=127.0.0.1
heap="${KAFKA_HEAP:-1g}"
jars="${KAFKA_JARS_DIR:-$cache/libs}"
data="$cache/kraft-data"
conf="$cache/server.properties"
pidfile="$cache/broker.pid"
log="$cache/broker.log"
credentials="$cache/credentials.env"
admin_config="$cache/admin-client.properties"
security="${KAFKA_SECURITY:-sasl}"
[[ "$security" == sasl || "$security" == plaintext ]] || { echo "KAFKA_SECURITY must be sasl or plaintext" >&2; exit 2; }
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"

say() { printf '[kafka] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

fetch_jars() {
  if [[ -f "$jars/.complete-$version" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn is not installed; it fetches the Kafka $version jars from Maven Central"
  say "fetching Kafka $version jars from Maven Central into $jars"
  rm -rf "$jars"; mkdir -p "$jars"
  mkdir -p "$cache"
  if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$jars" >"$cache/mvn.log" 2>&1; then
    cat "$cache/mvn.log" >&2
    die "mvn could not fetch the Kafka jars (is Maven Central reachable?)"
  fi
  touch "$jars/.complete-$version"
}

write_config() {
  mkdir -p "$data"
  if [[ "$security" == sasl ]]; then
    ensure_credentials
    cat >"$conf" <<PROPS
$(sasl_properties)
PROPS
  else
    cat >"$conf" <<PROPS
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
PROPS
    : >"$admin_config"
  fi
  cat >>"$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
controller.listener.names=CONTROLLER
log.dirs=$data
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  cat >"$cache/log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
PROPS
}

# ---- authentication and authorisation ---------------------------------------------------------

principals() { node -p "require('$here/acls.json').principals.join(' ')"; }

password_var() { local name="${1^^}"; echo "KAFKA_PASSWORD_${name//-/_}"; }

# One random password per principal, generated once per storage (a reset makes new ones); a
# principal added to acls.json later gets one at the next start (its SCRAM user: add_scram_users).
ensure_credentials() {
  command -v node >/dev/null || die "node is needed to read deploy/kafka/acls.json"
  mkdir -p "$cache"
  local out="" p
  for p in admin $(principals); do
    [[ -f "$credentials" ]] && grep -q "^$(password_var "$p")=" "$credentials" && continue
    out+="$(password_var "$p")=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"$'\n'
  done
  [[ -n "$out" ]] || return 0
  (umask 077; printf '%s' "$out" >>"$credentials")
}

password_of() {
  local var; var="$(password_var "$1")"
  sed -n "s/^$var=//p" "$credentials"
}

sasl_properties() {
  local admin_pw users="" p
  admin_pw="$(password_of admin)"
  for p in admin $(principals); do users+=" user_$p=\"$(password_of "$p")\""; done
  cat <<PROPS
listeners=SASL_PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=SASL_PLAINTEXT://$host:$port
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw" user_admin="$admin_pw";
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw"$users;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPS
  (umask 077; cat >"$admin_config" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw";
PROPS
  )
}

# SCRAM credentials live in the cluster metadata: written when the storage is formatted.
scram_arguments() {
  [[ "$security" == sasl ]] || return 0
  local p
  for p in admin $(principals); do
    printf -- '--add-scram\nSCRAM-SHA-512=[name=%s,password=%s]\n' "$p" "$(password_of "$p")"
  done
}

# SCRAM users of principals the storage was formatted without (added to acls.json since):
# written into the cluster metadata by the super user; $cache/scram-users lists those in place.
add_scram_users() {
  [[ "$security" == sasl ]] || return 0
  local done_file="$cache/scram-users" p
  for p in admin $(principals); do
    grep -qx "$p" "$done_file" 2>/dev/null && continue
    java_run kafka.admin.ConfigCommand --bootstrap-server "$host:$port" $(admin_flag) --alter \
      --add-config "SCRAM-SHA-512=[password=$(password_of "$p")]" --entity-type users --entity-name "$p" \
      >/dev/null || die "could not create the SCRAM user $p"
    echo "$p" >>"$done_file"
  done
}

apply_acls() {
  [[ "$security" == sasl ]] || return 0
  KAFKA_BROKERS="$host:$port" KAFKA_SASL_MECHANISM=PLAIN KAFKA_SASL_USERNAME=admin \
    KAFKA_SASL_PASSWORD="$(password_of admin)" node "$here/acls.mjs" >&2 \
    || die "applying deploy/kafka/acls.json failed"
}

# Client settings for principal $1 (default admin), as the services and tests read them.
print_env() {
  local who="${1:-admin}"
  echo "export KAFKA_BROKERS=$host:$port"
  if [[ "$security" != sasl ]]; then echo "export KAFKA_SECURITY_PROTOCOL=PLAINTEXT"; return 0; fi
  [[ -f "$credentials" ]] || die "no credentials yet: start the broker first"
  local pw; pw="$(password_of "$who")"
  [[ -n "$pw" ]] || die "unknown principal $who"
  echo "export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"
  echo "export KAFKA_SASL_MECHANISM=SCRAM-SHA-512"
  echo "export KAFKA_SASL_USERNAME=$who"
  echo "export KAFKA_SASL_PASSWORD=$pw"
  if [[ "$who" == admin ]]; then
    local p
    for p in $(principals); do echo "export $(password_var "$p")=$(password_of "$p")"; done
  fi
}

# Command-line tools (storage format, metadata check, console consumer): warnings only, on stderr.
java_run() {
  mkdir -p "$cache"
  printf 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[%%d] %%p %%m (%%c)%%n\n' \
    >"$cache/tools-log4j.properties"
  java -Xms64m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$cache/tools-log4j.properties" -cp "$jars/*" "$@"
}

format_storage() {
  if [[ -f "$data/meta.properties" ]]; then return 0; fi
  local cluster_id; cluster_id="$(java_run kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  say "formatting KRaft storage (cluster $cluster_id)"
  local scram=()
  mapfile -t scram < <(scram_arguments)
  if [[ "$security" == sasl ]]; then { echo admin; principals | tr ' ' '\n'; } >"$cache/scram-users"; fi
  java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" --ignore-formatted "${scram[@]}" >>"$log" 2>&1 \
    || die "formatting storage failed; see $log"
}

# The super user's client properties for Kafka's tools: `--command-config <file>` (or the flag $1).
admin_flag() { [[ -s "$admin_config" ]] && printf -- '%s %s' "${1:---command-config}" "$admin_config"; return 0; }

metadata_ok() {
  java_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$host:$port" $(admin_flag) --list >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until port_open "$port"; do
    running_pid >/dev/null || die "the broker exited during start-up; last lines of $log:$(echo; tail -n 20 "$log")"
    (( SECONDS < deadline )) || die "the broker did not open $host:$port in time; see $log"
    sleep 0.5
  done
  until metadata_ok; do
    (( SECONDS < deadline )) || die "the broker does not answer metadata requests; see $log"
    sleep 1
  done
}

start() {
  command -v java >/dev/null || die "java (17+) is not installed"
  mkdir -p "$cache"
  if pid="$(running_pid)"; then
    say "already running (pid $pid) on $host:$port"
    wait_ready; add_scram_users; apply_acls; return 0
  fi
  # The jars first: they are also what asks whoever holds the port whether it is a broker.
  fetch_jars
  if port_open "$port"; then
    if metadata_ok; then say "a broker already answers on $host:$port; using it"; return 0; fi
    die "port $port is taken by something that does not answer Kafka metadata requests"
  fi
  if [[ "$security" == sasl && -f "$data/meta.properties" && ! -f "$credentials" ]]; then
    say "the broker's data predates authentication (no $credentials): starting over with empty storage"
    rm -rf "$data"
  fi
  write_config
  format_storage
  say "starting Kafka $version on $host:$port (log: $log)"
  nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$cache/log4j.properties" -Dkafka.logs.dir="$cache" \
    -cp "$jars/*" kafka.Kafka "$conf" >>"$log" 2>&1 &
  echo $! >"$pidfile"
  wait_ready
  add_scram_users
  apply_acls
  say "ready on $host:$port ($([[ "$security" == sasl ]] && echo "SASL, ACLs from deploy/kafka/acls.json" || echo "PLAINTEXT, no authentication"))"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then say "not running"; rm -f "$pidfile"; return 0; fi
  say "stopping (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; say "stopped"; return 0; }; sleep 0.5; done
  say "did not stop in 30 s; killing"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status() {
  if port_open "$port" && metadata_ok; then
    echo "ready: Kafka on $host:$port${pid:+ (pid $pid)}"
  else
    echo "not ready: nothing answers metadata requests on $host:$port"; return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) pid="$(running_pid || true)"; status ;;
  reset) stop; rm -rf "$data" "$conf" "$credentials" "$admin_config" "$cache/scram-users"; say "data and credentials removed" ;;
  env) print_env "${2:-}" ;;
  fetch) fetch_jars; echo "$jars" ;;
  read)
    [[ -n "${2:-}" ]] || die "usage: $0 read <topic>"
    fetch_jars
    java_run org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$host:$port" $(admin_flag --consumer.config) \
      --topic "$2" --from-beginning --timeout-ms "${KAFKA_READ_TIMEOUT_MS:-5000}" \
      --property print.key=true --property print.headers=true --property print.timestamp=true 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop|status|reset|fetch|read <topic>|env [principal]" >&2; exit 2 ;;
esac
