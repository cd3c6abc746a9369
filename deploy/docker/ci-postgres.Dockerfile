# pos-tripletex/ci-postgres:15 – a stand-in for the official postgres image where no image
# registry is reachable: Debian bookworm's PostgreSQL 15 with an entrypoint that honours the same
# variables (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA) and the same data directory,
# so docker-compose.yml and testcontainers use it unchanged. Built by deploy/docker/images.sh.
ARG BASE_IMAGE=pos-tripletex/ci-debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -q \
  && apt-get install -y -q --no-install-recommends postgresql-15 \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
  && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY ci-postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
