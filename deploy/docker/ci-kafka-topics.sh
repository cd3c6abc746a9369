#!/bin/bash
# kafka-topics.sh as the official image has it (docker-compose.yml's healthcheck calls it).
exec java -Xmx256m -XX:+UseSerialGC -Dlog4j.configuration=file:/dev/null -cp '/opt/kafka/libs/*' \
  org.apache.kafka.tools.TopicCommand "$@"
