#!/bin/bash
# Start-up of pos-tripletex/ci-kafka, following the official apache/kafka image: defaults for a
# single KRaft node, every KAFKA_* variable overriding a property, storage formatted once.
set -euo pipefail
conf=/opt/kafka/config/server.properties
declare -A props=(
  [process.roles]=broker,controller
  [node.id]=1
  [controller.quorum.voters]=1@localhost:9093
  [listeners]=PLAINTEXT://:9092,CONTROLLER://:9093
  [advertised.listeners]=PLAINTEXT://localhost:9092
  [controller.listener.names]=CONTROLLER
  [listener.security.protocol.map]=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
  [log.dirs]=/var/lib/kafka/data
  [offsets.topic.replication.factor]=1
  [transaction.state.log.replication.factor]=1
  [transaction.state.log.min.isr]=1
)
not_properties=' KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_LOG4J_OPTS KAFKA_GC_LOG_OPTS KAFKA_JMX_OPTS KAFKA_DEBUG KAFKA_VERSION '
for var in $(compgen -e); do
  [[ "$var" == KAFKA_* && "$not_properties" != *" $var "* ]] || continue
  key="${var#KAFKA_}"
  key="$(tr '[:upper:]' '[:lower:]' <<<"$key" | sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g')"
  props[$key]="${!var}"
done
: >"$conf"
for key in "${!props[@]}"; do printf '%s=%s\n' "$key" "${props[$key]}" >>"$conf"; done
cat >/opt/kafka/config/log4j.properties <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
PROPS
classpath='/opt/kafka/libs/*'
java -Xmx256m -XX:+UseSerialGC -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties \
  -cp "$classpath" kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" \
  -c "$conf" --ignore-formatted
# shellcheck disable=SC2086 # the *_OPTS variables are lists of JVM options
exec java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  -Djava.awt.headless=true -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties \
  ${KAFKA_OPTS:-} -cp "$classpath" kafka.Kafka "$conf"
