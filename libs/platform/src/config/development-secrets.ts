/**
 * The secrets this repository itself publishes – in `.env.example`, `docker-compose.yml`'s
 * defaults and the services' `.env.example` files – so that a laptop starts without setup. Anyone
 * can read them, so `NODE_ENV=production` refuses to start with any of them.
 */
export const DEVELOPMENT_SECRETS = {
  /** BackOffice's HS256 secret in the example files and compose. */
  AUTH_JWT_SECRET: ['local-only-jwt-secret-change-me-0123456789abcdef'],
  /** The example key ring's key: the bytes 0..31, base64. */
  ENCRYPTION_KEYS: ['AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='],
  /** The compose database's example password. */
  DATABASE_URL: ['pos-tripletex-local'],
  /** The compose broker's example passwords of the services' principals. */
  KAFKA_SASL_PASSWORD: [
    'local-only-kafka-onboarding',
    'local-only-kafka-sales-export',
    'local-only-kafka-customer-sync',
    'local-only-kafka-invoicing',
  ],
} as const;

export const HOW_TO_MAKE_SECRETS =
  'run `npm run secrets` (writes fresh values into .env) or set your own, e.g. `openssl rand -hex 32`';

function databasePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
}

/**
 * Which published development secrets `source` carries, as `{ variable, message }` without the
 * value. An ENCRYPTION_KEYS ring counts if any of its keys is the published one.
 */
export function developmentSecretsIn(
  source: Record<string, unknown>,
): { variable: string; messages: string[] }[] {
  const found: { variable: string; messages: string[] }[] = [];
  const refuse = (variable: string, what: string) =>
    found.push({
      variable,
      messages: [
        `${what} is the development value published in this repository, refused with NODE_ENV=production: ${HOW_TO_MAKE_SECRETS}`,
      ],
    });
  const jwt = source.AUTH_JWT_SECRET;
  if (
    typeof jwt === 'string' &&
    (DEVELOPMENT_SECRETS.AUTH_JWT_SECRET as readonly string[]).includes(jwt)
  )
    refuse('AUTH_JWT_SECRET', 'the secret');
  const ring = source.ENCRYPTION_KEYS;
  if (
    typeof ring === 'string' &&
    ring
      .split(',')
      .some((entry) =>
        (DEVELOPMENT_SECRETS.ENCRYPTION_KEYS as readonly string[]).includes(
          entry.slice(entry.indexOf(':') + 1).trim(),
        ),
      )
  )
    refuse('ENCRYPTION_KEYS', 'a key of the ring');
  const url = source.DATABASE_URL;
  const password = typeof url === 'string' ? databasePassword(url) : undefined;
  if (password && (DEVELOPMENT_SECRETS.DATABASE_URL as readonly string[]).includes(password))
    refuse('DATABASE_URL', 'the password (POSTGRES_PASSWORD in compose)');
  const kafka = source.KAFKA_SASL_PASSWORD;
  if (
    typeof kafka === 'string' &&
    (DEVELOPMENT_SECRETS.KAFKA_SASL_PASSWORD as readonly string[]).includes(kafka)
  )
    refuse('KAFKA_SASL_PASSWORD', 'the password (KAFKA_<SERVICE>_PASSWORD in compose)');
  return found;
}
