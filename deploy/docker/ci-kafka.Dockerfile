# pos-tripletex/ci-kafka:<version> – a stand-in for the official apache/kafka:<version> image where
# no image registry is reachable: Debian's JRE and the same Apache Kafka jars from Maven Central
# that deploy/kafka/kafka.sh runs, laid out like the official image (/opt/kafka/libs,
# /opt/kafka/bin/kafka-topics.sh, data in /var/lib/kafka/data) and configured the same way: every
# KAFKA_* variable becomes a broker property (KAFKA_LOG_DIRS -> log.dirs; `__` -> `_`,
# `___` -> `-`), CLUSTER_ID names the KRaft cluster. Built by deploy/docker/images.sh.
ARG BASE_IMAGE=pos-tripletex/ci-debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -q \
  && apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 1000 appuser \
  && useradd --uid 1000 --gid appuser --home-dir /home/appuser --create-home appuser \
  && mkdir -p /opt/kafka/bin /opt/kafka/config /var/lib/kafka/data \
  && chown -R appuser:appuser /opt/kafka/config /var/lib/kafka
COPY libs /opt/kafka/libs
COPY ci-kafka-run.sh /etc/kafka/docker/run
COPY ci-kafka-topics.sh /opt/kafka/bin/kafka-topics.sh
USER appuser
EXPOSE 9092
ENTRYPOINT ["/etc/kafka/docker/run"]
