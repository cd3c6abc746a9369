#!/usr/bin/env node
// Applies deploy/kafka/acls.json to a broker as its super user (kafkajs admin, one connection):
// the ACLs of the file are created and any other ACL of its principals is deleted, so the broker
// grants exactly the file; it runs at every start. Connection from KAFKA_BROKERS and the super user's KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD
// (mechanism KAFKA_SASL_MECHANISM, default PLAIN).
//
//   node deploy/kafka/acls.mjs            apply
//   node deploy/kafka/acls.mjs --check    exit 1 unless the broker grants the file's principals
//                                         exactly the file's ACLs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../package.json'));
const {
  Kafka,
  logLevel,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
} = require('kafkajs');

const plan = JSON.parse(readFileSync(join(here, 'acls.json'), 'utf8'));
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const kafka = new Kafka({
  clientId: 'acl-provisioning',
  brokers: env('KAFKA_BROKERS').split(','),
  sasl: {
    mechanism: (process.env.KAFKA_SASL_MECHANISM ?? 'PLAIN').toLowerCase(),
    username: env('KAFKA_SASL_USERNAME'),
    password: env('KAFKA_SASL_PASSWORD'),
  },
  logLevel: logLevel.NOTHING,
  retry: { retries: 10 },
});

const acls = plan.acls.flatMap((entry) =>
  entry.operations.map((operation) => ({
    resourceType: AclResourceTypes[entry.resourceType],
    resourceName: entry.name,
    resourcePatternType: ResourcePatternTypes[entry.patternType],
    principal: `User:${entry.principal}`,
    host: '*',
    operation: AclOperationTypes[operation],
    permissionType: AclPermissionTypes.ALLOW,
  })),
);

/** The ALLOW ACLs the broker has for the plan's principals (admin, the super user, needs none). */
async function present(admin) {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const principals = new Set(plan.principals.map((p) => `User:${p}`));
  return resources.flatMap((r) =>
    r.acls
      .filter((a) => principals.has(a.principal))
      .map((a) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        resourcePatternType: r.resourcePatternType,
        principal: a.principal,
        host: a.host,
        operation: a.operation,
        permissionType: a.permissionType,
      })),
  );
}

const keyOf = (a) =>
  [
    a.resourceType,
    a.resourceName,
    a.resourcePatternType,
    a.principal,
    a.host,
    a.operation,
    a.permissionType,
  ].join('|');

// The compose stack's published passwords (docker-compose.yml defaults) are refused in production.
const PUBLISHED = /^local-only-kafka-/;
if (process.env.NODE_ENV === 'production') {
  const published = ['KAFKA_SASL_PASSWORD', 'KAFKA_POS_PASSWORD'].filter((v) =>
    PUBLISHED.test(process.env[v] ?? ''),
  );
  if (published.length > 0) {
    console.error(
      `[acls] ${published.join(', ')}: the development value published in this repository, refused with NODE_ENV=production: run \`npm run secrets\` (writes fresh values into .env)`,
    );
    process.exit(1);
  }
}

const admin = kafka.admin();
await admin.connect();
try {
  const wanted = new Set(acls.map(keyOf));
  const existing = await present(admin);
  const have = new Set(existing.map(keyOf));
  const missing = acls.filter((a) => !have.has(keyOf(a)));
  const extra = existing.filter((a) => !wanted.has(keyOf(a)));
  if (process.argv.includes('--check')) {
    if (missing.length > 0 || extra.length > 0) {
      console.error(
        `[acls] ${missing.length} of ${acls.length} ACLs missing, ${extra.length} not in deploy/kafka/acls.json`,
      );
      process.exitCode = 1;
    } else console.log(`[acls] all ${acls.length} ACLs in place, none besides them`);
  } else {
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    // A grant taken out of the plan is taken off the broker too.
    if (extra.length > 0) await admin.deleteAcls({ filters: extra });
    console.log(
      `[acls] ${acls.length} ACLs for ${plan.principals.join(', ')} in place (${missing.length} added, ${extra.length} removed)`,
    );
  }
} finally {
  await admin.disconnect();
}
