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
  cat >"$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
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
  java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" --ignore-formatted >>"$log" 2>&1 \
    || die "formatting storage failed; see $log"
}

metadata_ok() {
  java_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$host:$port" --list >/dev/null 2>&1
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
    wait_ready; return 0
  fi
  # The jars first: they are also what asks whoever holds the port whether it is a broker.
  fetch_jars
  if port_open "$port"; then
    if metadata_ok; then say "a broker already answers on $host:$port; using it"; return 0; fi
    die "port $port is taken by something that does not answer Kafka metadata requests"
  fi
  write_config
  format_storage
  say "starting Kafka $version on $host:$port (log: $log)"
  nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$cache/log4j.properties" -Dkafka.logs.dir="$cache" \
    -cp "$jars/*" kafka.Kafka "$conf" >>"$log" 2>&1 &
  echo $! >"$pidfile"
  wait_ready
  say "ready on $host:$port"
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
  reset) stop; rm -rf "$data" "$conf"; say "data removed" ;;
  fetch) fetch_jars; echo "$jars" ;;
  read)
    [[ -n "${2:-}" ]] || die "usage: $0 read <topic>"
    fetch_jars
    java_run org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$host:$port" \
      --topic "$2" --from-beginning --timeout-ms "${KAFKA_READ_TIMEOUT_MS:-5000}" \
      --property print.key=true --property print.headers=true --property print.timestamp=true 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop|status|reset|fetch|read <topic>" >&2; exit 2 ;;
esac
