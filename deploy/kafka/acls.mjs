#!/usr/bin/env node
// Applies deploy/kafka/acls.json to a broker as its super user (kafkajs admin, one connection):
// every ACL in the file is created (creating an existing ACL changes nothing), so it runs at every
// start. Connection from KAFKA_BROKERS and the super user's KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD
// (mechanism KAFKA_SASL_MECHANISM, default PLAIN).
//
//   node deploy/kafka/acls.mjs            apply
//   node deploy/kafka/acls.mjs --check    exit 1 unless every ACL of the file is in place
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

const admin = kafka.admin();
await admin.connect();
try {
  if (process.argv.includes('--check')) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const present = new Set(
      resources.flatMap((r) =>
        r.acls.map((a) =>
          [r.resourceType, r.resourceName, r.resourcePatternType, a.principal, a.operation].join(
            '|',
          ),
        ),
      ),
    );
    const missing = acls.filter(
      (a) =>
        !present.has(
          [a.resourceType, a.resourceName, a.resourcePatternType, a.principal, a.operation].join(
            '|',
          ),
        ),
    );
    if (missing.length > 0) {
      console.error(`[acls] ${missing.length} of ${acls.length} ACLs missing`);
      process.exitCode = 1;
    } else console.log(`[acls] all ${acls.length} ACLs in place`);
  } else {
    await admin.createAcls({ acl: acls });
    console.log(`[acls] ${acls.length} ACLs for ${plan.principals.join(', ')} in place`);
  }
} finally {
  await admin.disconnect();
}
