#!/usr/bin/env node
// `npm run secrets`: fresh secrets for docker-compose.yml in .env (git-ignored).
//   npm run secrets                    .env: created from .env.example when missing
//   npm run secrets -- --file F        another env file
//
// Fills POSTGRES_PASSWORD, AUTH_JWT_SECRET, ENCRYPTION_KEYS and ENCRYPTION_ACTIVE_KEY_ID where
// they are empty or still the development values this repository publishes (which the services
// refuse with NODE_ENV=production). A value you set yourself is never replaced: a new key ring
// would make every stored employee token unreadable, and PostgreSQL keeps the password it was
// created with. Prints the names it filled, never the values.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const file = args.includes('--file') ? args[args.indexOf('--file') + 1] : `${root}.env`;

// The published development values are docker-compose.yml's defaults (`${NAME:-value}`), the
// ones libs/platform/src/config/development-secrets.ts refuses (its spec checks they agree).
const compose = readFileSync(`${root}docker-compose.yml`, 'utf8');
const publishedDefault = (name) =>
  [...compose.matchAll(new RegExp(`\\$\\{${name}:-([^}]*)\\}`, 'g'))].map((m) => m[1]);
/** The broker's principals (deploy/kafka/acls.json) and its super user, each with a password. */
const KAFKA_PASSWORDS = [
  'admin',
  'onboarding',
  'sales-export',
  'customer-sync',
  'invoicing',
  'pos',
].map((p) => `KAFKA_${p.toUpperCase().replaceAll('-', '_')}_PASSWORD`);
const PUBLISHED = Object.fromEntries(
  ['POSTGRES_PASSWORD', 'AUTH_JWT_SECRET', 'ENCRYPTION_KEYS', ...KAFKA_PASSWORDS].map((n) => [
    n,
    publishedDefault(n),
  ]),
);

if (!existsSync(file)) {
  copyFileSync(`${root}.env.example`, file);
  console.log(`[secrets] ${file} created from .env.example`);
}
const lines = readFileSync(file, 'utf8').split('\n');
const valueOf = (name) => {
  const line = lines.find((l) => l.startsWith(`${name}=`));
  return line === undefined ? undefined : line.slice(name.length + 1).trim();
};
const needsFresh = (name) => {
  const value = valueOf(name);
  return !value || (PUBLISHED[name] ?? []).includes(value);
};

const keyId = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
const fresh = {};
if (needsFresh('POSTGRES_PASSWORD')) fresh.POSTGRES_PASSWORD = randomBytes(24).toString('hex');
if (needsFresh('AUTH_JWT_SECRET')) fresh.AUTH_JWT_SECRET = randomBytes(32).toString('hex');
for (const name of KAFKA_PASSWORDS)
  if (needsFresh(name)) fresh[name] = randomBytes(24).toString('hex');
if (needsFresh('ENCRYPTION_KEYS')) {
  fresh.ENCRYPTION_KEYS = `${keyId}:${randomBytes(32).toString('base64')}`;
  fresh.ENCRYPTION_ACTIVE_KEY_ID = keyId;
}

for (const [name, value] of Object.entries(fresh)) {
  const at = lines.findIndex((l) => l.startsWith(`${name}=`));
  if (at >= 0) lines[at] = `${name}=${value}`;
  else lines.push(`${name}=${value}`);
}
writeFileSync(file, lines.join('\n'));
chmodSync(file, 0o600);
const filled = Object.keys(fresh);
console.log(
  filled.length > 0
    ? `[secrets] ${file}: fresh ${filled.join(', ')}`
    : `[secrets] ${file}: every secret is already your own; nothing changed`,
);
if (fresh.POSTGRES_PASSWORD)
  console.log(
    '[secrets] a compose database created before keeps its old password: `docker compose down -v` starts it anew (deleting its data)',
  );
