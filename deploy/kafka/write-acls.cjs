#!/usr/bin/env node
// Writes deploy/kafka/acls.json from libs/contracts (aclPlan): run after changing SERVICE_TOPICS or
// POS_TOPICS (`npm run kafka:acls`); libs/contracts' access.spec.ts fails while the file is stale.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { aclPlan, KAFKA_PRINCIPALS } = require('../../libs/contracts/dist');

const file = join(__dirname, 'acls.json');
writeFileSync(
  file,
  `${JSON.stringify({ principals: KAFKA_PRINCIPALS, acls: aclPlan() }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
