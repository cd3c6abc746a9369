import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  isFQDN,
  isIP,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pemOf } from '../security/token-verifier';

/** Reads `true`/`false`/`1`/`0` strictly (class-transformer would turn "false" into true). */
export function EnvBoolean(): PropertyDecorator {
  return (target, key) => {
    // Read the raw variable: implicit conversion has already turned "false" into true.
    Transform(({ obj }: { obj: Record<string | symbol, unknown> }) => {
      const value = obj[key];
      if (value === true || value === 'true' || value === '1') return true;
      if (value === false || value === 'false' || value === '0') return false;
      return value;
    })(target, key);
    IsBoolean({ message: `${String(key)} must be true or false` })(target, key);
  };
}

/** An https:// URL (or empty) with NODE_ENV=production; `message` says why, naming the variable. */
export function HttpsInProduction(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'httpsInProduction',
    validator: {
      validate: (value: unknown, args) =>
        (args?.object as { NODE_ENV?: string }).NODE_ENV !== 'production' ||
        value === '' ||
        (typeof value === 'string' && value.startsWith('https://')),
      defaultMessage: () => message,
    },
  });
}

/** Hosts of the real Tripletex: never over plain http, whatever TRIPLETEX_ALLOW_HTTP says. */
const TRIPLETEX_HOSTS = /(^|\.)(tripletex\.no|tripletex\.tech)$/i;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * TRIPLETEX_BASE_URL is https with NODE_ENV=production – unless TRIPLETEX_ALLOW_HTTP=true, the
 * explicit opt-out for a stack that runs the sandbox over http (compose), which never covers a
 * host of the real Tripletex.
 */
function TripletexHttpsInProduction(): PropertyDecorator {
  const problem = (env: TripletexServiceEnv): string | null => {
    const url = env.TRIPLETEX_BASE_URL;
    if (typeof url !== 'string' || url.startsWith('https://')) return null;
    if (TRIPLETEX_HOSTS.test(hostOf(url)))
      return 'TRIPLETEX_BASE_URL must be https:// for Tripletex itself (the employee and consumer tokens travel in every request)';
    if (env.NODE_ENV !== 'production' || env.TRIPLETEX_ALLOW_HTTP === true) return null;
    return 'TRIPLETEX_BASE_URL must be an https:// URL with NODE_ENV=production (the tokens travel in every request); only a stack running the Tripletex sandbox over http may set TRIPLETEX_ALLOW_HTTP=true';
  };
  return ValidateBy({
    name: 'tripletexHttpsInProduction',
    validator: {
      validate: (_value: unknown, args) => problem(args?.object as TripletexServiceEnv) === null,
      defaultMessage: (args) => problem(args?.object as TripletexServiceEnv) ?? '',
    },
  });
}

/** Empty, or a PEM public key Node can read (RSA or EC). */
function IsPublicKeyOrEmpty(): PropertyDecorator {
  return ValidateBy({
    name: 'isPublicKeyOrEmpty',
    validator: {
      validate: (value: unknown) => {
        if (value === '' || value === undefined) return true;
        if (typeof value !== 'string') return false;
        try {
          const type = createPublicKey(pemOf(value)).asymmetricKeyType;
          return type === 'rsa' || type === 'ec';
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'AUTH_JWT_PUBLIC_KEY must be a PEM public key (RSA or EC)',
    },
  });
}

/**
 * BackOffice tokens can be verified, and as production expects: a JWKS or public key (an identity
 * provider's), or the HS256 secret – which NODE_ENV=production accepts only with
 * AUTH_JWT_ALLOW_HS256=true; with public keys, production also names the issuer and audience.
 */
function TokenVerificationConfigured(): PropertyDecorator {
  const problem = (env: TripletexServiceEnv): string | null => {
    const asymmetric = !!env.AUTH_JWT_JWKS_URL || !!env.AUTH_JWT_PUBLIC_KEY;
    if (!asymmetric && !env.AUTH_JWT_SECRET)
      return 'BackOffice tokens cannot be verified: set AUTH_JWT_JWKS_URL or AUTH_JWT_PUBLIC_KEY (the identity provider’s keys), or AUTH_JWT_SECRET for HS256 in development';
    if (env.NODE_ENV !== 'production') return null;
    if (!asymmetric && !env.AUTH_JWT_ALLOW_HS256)
      return 'AUTH_JWT_SECRET (HS256) is a development option: with NODE_ENV=production set AUTH_JWT_JWKS_URL or AUTH_JWT_PUBLIC_KEY, or AUTH_JWT_ALLOW_HS256=true explicitly';
    if (asymmetric && (!env.AUTH_JWT_ISSUER || !env.AUTH_JWT_AUDIENCE))
      return 'AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE must be set with NODE_ENV=production: a token is only taken from our identity provider, for us';
    return null;
  };
  return ValidateBy({
    name: 'tokenVerificationConfigured',
    validator: {
      validate: (_value: unknown, args) => problem(args?.object as TripletexServiceEnv) === null,
      defaultMessage: (args) => problem(args?.object as TripletexServiceEnv) ?? '',
    },
  });
}

/** An IP address or a host name (e.g. 127.0.0.1, ::1, 0.0.0.0, localhost, admin.internal). */
function IsListenHost(variable: string): PropertyDecorator {
  return ValidateBy({
    name: 'isListenHost',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        (isIP(value) || isFQDN(value, { require_tld: false, allow_underscores: false })),
      defaultMessage: () => `${variable} must be an IP address or a host name`,
    },
  });
}

/** The admin listener has a port of its own (0 – a free one – twice is fine: two free ports). */
function PortOtherThanHttp(): PropertyDecorator {
  return ValidateBy({
    name: 'portOtherThanHttp',
    validator: {
      validate: (value: unknown, args) =>
        value === 0 || value !== (args?.object as BaseServiceEnv).HTTP_PORT,
      defaultMessage: () =>
        'ADMIN_HTTP_PORT must differ from HTTP_PORT: the admin listener is never the public one',
    },
  });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Where an operational endpoint is served: on the public HTTP port, only on the admin listener
 * (ADMIN_HTTP_HOST:ADMIN_HTTP_PORT), or nowhere. Elsewhere it does not exist (Nest's plain 404).
 */
export const EXPOSURES = ['public', 'admin', 'off'] as const;
export type Exposure = (typeof EXPOSURES)[number];

/** What every service reads. Subclasses set their own defaults for port and names. */
export class BaseServiceEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Max(65535)
  @Min(0)
  @IsInt({ message: 'HTTP_PORT must be a port number (0 picks a free one)' })
  HTTP_PORT: number = 3000;

  @MinLength(1)
  @IsString()
  HTTP_HOST: string = '0.0.0.0';

  /**
   * The admin listener: GET /metrics and /docs where they are `admin`, and the detailed GET /ready
   * (each dependency, and why it is down). Never the API. Each service has its own default.
   */
  @PortOtherThanHttp()
  @Max(65535)
  @Min(0)
  @IsInt({ message: 'ADMIN_HTTP_PORT must be a port number (0 picks a free one)' })
  ADMIN_HTTP_PORT: number = 9000;

  /** Loopback by default: only the machine (or container) itself reaches the admin listener. */
  @IsListenHost('ADMIN_HTTP_HOST')
  @IsString()
  ADMIN_HTTP_HOST: string = '127.0.0.1';

  /** GET /metrics (Prometheus): `admin` (default), `public` or `off`. */
  @IsIn(EXPOSURES, { message: 'METRICS_EXPOSURE must be public, admin or off' })
  METRICS_EXPOSURE: Exposure = 'admin';

  /** GET /docs and /docs/openapi.json of a service with an API: `admin` (default), `public` or `off`. */
  @IsIn(EXPOSURES, { message: 'API_DOCS_EXPOSURE must be public, admin or off' })
  API_DOCS_EXPOSURE: Exposure = 'admin';

  /** After SIGTERM, how long in-flight work may take before the process exits anyway. */
  @Min(1000)
  @IsInt()
  SHUTDOWN_TIMEOUT_MS: number = 25_000;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class DatabaseServiceEnv extends BaseServiceEnv {
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// connection URL',
  })
  DATABASE_URL!: string;

  /** The service's own schema; every table of the service lives there. */
  @Matches(SCHEMA_NAME, {
    message: 'DATABASE_SCHEMA must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)',
  })
  DATABASE_SCHEMA: string = 'public';

  @Max(100)
  @Min(1)
  @IsInt()
  DATABASE_POOL_MAX: number = 10;

  @EnvBoolean()
  DATABASE_SSL: boolean = false;
}

const BROKER_LIST = /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/;

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export const KAFKA_SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** Empty, or a readable PEM file holding a certificate (or a private key). */
function PemFileOrEmpty(variable: string, kind: 'certificate' | 'key'): PropertyDecorator {
  return ValidateBy({
    name: 'pemFileOrEmpty',
    validator: {
      validate: (value: unknown, args) => {
        if (value === '' || value === undefined) return true;
        if (typeof value !== 'string') return false;
        try {
          const pem = readFileSync(value);
          if (kind === 'certificate') new X509Certificate(pem);
          else {
            const passphrase = (args?.object as { KAFKA_SSL_KEY_PASSWORD?: string })
              .KAFKA_SSL_KEY_PASSWORD;
            createPrivateKey({ key: pem, passphrase: passphrase || undefined });
          }
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        `${variable} must name a readable PEM file with a ${kind === 'key' ? 'private key (KAFKA_SSL_KEY_PASSWORD if encrypted)' : 'certificate'}`,
    },
  });
}

/**
 * The Kafka security settings fit together: SASL needs a user name and password, TLS files need a
 * TLS protocol, a client certificate needs its key, and production needs authentication and
 * certificate checks. Names every problem in one message.
 */
export function kafkaSecurityProblems(env: {
  NODE_ENV?: string;
  KAFKA_SECURITY_PROTOCOL?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SSL_REJECT_UNAUTHORIZED?: boolean;
}): string[] {
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT';
  const sasl = protocol.startsWith('SASL_');
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && protocol === 'PLAINTEXT')
    problems.push(
      'KAFKA_SECURITY_PROTOCOL=PLAINTEXT (no authentication) is refused with NODE_ENV=production: use SASL_SSL, SASL_PLAINTEXT or SSL',
    );
  if (sasl && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD))
    problems.push(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with ${protocol}`);
  if (!sasl && (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD))
    problems.push(`KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but ${protocol} uses no SASL`);
  const files = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
  const setFiles = files.filter((f) => env[f]);
  if (!tls && setFiles.length > 0)
    problems.push(`${setFiles.join(', ')} set but ${protocol} uses no TLS`);
  if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE))
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)');
  if (production && tls && env.KAFKA_SSL_REJECT_UNAUTHORIZED === false)
    problems.push('KAFKA_SSL_REJECT_UNAUTHORIZED=false is refused with NODE_ENV=production');
  return problems;
}

function KafkaSecurityConsistent(): PropertyDecorator {
  return ValidateBy({
    name: 'kafkaSecurityConsistent',
    validator: {
      validate: (_value: unknown, args) =>
        kafkaSecurityProblems(args?.object as Parameters<typeof kafkaSecurityProblems>[0])
          .length === 0,
      defaultMessage: (args) =>
        kafkaSecurityProblems(args?.object as Parameters<typeof kafkaSecurityProblems>[0]).join(
          '; ',
        ),
    },
  });
}

export class KafkaServiceEnv extends DatabaseServiceEnv {
  @Matches(BROKER_LIST, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port, e.g. 127.0.0.1:9092',
  })
  KAFKA_BROKERS!: string;

  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  KAFKA_CLIENT_ID: string = 'pos-tripletex';

  /** Consumer group of the service; every instance of a service shares it. */
  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  KAFKA_GROUP_ID: string = 'pos-tripletex';

  /** Partitions for topics this service creates at start-up (existing topics are left alone). */
  @Max(1000)
  @Min(1)
  @IsInt()
  KAFKA_TOPIC_PARTITIONS: number = 6;

  @Max(5)
  @Min(1)
  @IsInt()
  KAFKA_REPLICATION_FACTOR: number = 1;

  /** A consumer silent this long is removed from the group and its partitions reassigned. */
  @Max(300_000)
  @Min(6_000)
  @IsInt()
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  /** Attempts for a message whose handling fails transiently, before it is dead-lettered. */
  @Max(100)
  @Min(1)
  @IsInt()
  KAFKA_HANDLER_MAX_ATTEMPTS: number = 5;

  @Min(50)
  @IsInt()
  OUTBOX_POLL_INTERVAL_MS: number = 250;

  /**
   * A consumer that has been on the same record this long (waiting out an outage, or stuck) makes
   * GET /ready answer 503; `pos_kafka_oldest_unprocessed_record_seconds` shows the age meanwhile.
   */
  @Min(1000)
  @IsInt()
  KAFKA_STALL_AFTER_MS: number = 120_000;

  /**
   * How long the eventIds of applied records are kept to recognise redeliveries. Longer than any
   * replay window: the topics' retention (7 days by default) and any replay of a dead-letter topic.
   * Compacted topics (integration.config.v1) are safe beyond it: applying settings is idempotent.
   */
  @Max(3650)
  @Min(1)
  @IsInt()
  INBOX_RETENTION_DAYS: number = 30;

  /** How often processed events and sent outbox rows past their retention are pruned. */
  @Max(24 * 3600)
  @Min(1)
  @IsInt()
  MESSAGING_HOUSEKEEPING_SECONDS: number = 600;

  /**
   * How the service reaches the brokers, in Kafka's own words: TLS (`SSL`), SASL
   * (`SASL_PLAINTEXT`), both (`SASL_SSL`), or neither (`PLAINTEXT`, refused with
   * NODE_ENV=production: anyone who reaches the broker could then write any company's records).
   */
  @KafkaSecurityConsistent()
  @IsIn(KAFKA_SECURITY_PROTOCOLS, {
    message: `KAFKA_SECURITY_PROTOCOL must be one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`,
  })
  KAFKA_SECURITY_PROTOCOL: KafkaSecurityProtocol = 'PLAINTEXT';

  /** SASL mechanism with SASL_PLAINTEXT/SASL_SSL. */
  @IsIn(KAFKA_SASL_MECHANISMS, {
    message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`,
  })
  KAFKA_SASL_MECHANISM: KafkaSaslMechanism = 'SCRAM-SHA-512';

  /** The service's principal (one per service: the broker's ACLs are per principal). */
  @IsString()
  KAFKA_SASL_USERNAME: string = '';

  @IsString()
  KAFKA_SASL_PASSWORD: string = '';

  /** PEM file of the CA(s) that signed the brokers' certificates; empty: the system's CAs. */
  @PemFileOrEmpty('KAFKA_SSL_CA_FILE', 'certificate')
  @IsString()
  KAFKA_SSL_CA_FILE: string = '';

  /** Client certificate (PEM) for mutual TLS, with KAFKA_SSL_KEY_FILE. */
  @PemFileOrEmpty('KAFKA_SSL_CERT_FILE', 'certificate')
  @IsString()
  KAFKA_SSL_CERT_FILE: string = '';

  /** Client private key (PEM) for mutual TLS; KAFKA_SSL_KEY_PASSWORD if it is encrypted. */
  @PemFileOrEmpty('KAFKA_SSL_KEY_FILE', 'key')
  @IsString()
  KAFKA_SSL_KEY_FILE: string = '';

  @IsString()
  KAFKA_SSL_KEY_PASSWORD: string = '';

  /** Verify the brokers' certificates and host names (false is refused with NODE_ENV=production). */
  @EnvBoolean()
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean = true;
}

const KEY_RING =
  /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,})*$/;

/**
 * A service with a BackOffice API that talks to Tripletex on behalf of companies: BackOffice JWTs,
 * the key ring for employee tokens (at rest and in integration.config.v1), and Tripletex itself.
 */
export class TripletexServiceEnv extends KafkaServiceEnv {
  /**
   * The identity provider's JWKS (https in production): the public keys BackOffice tokens are
   * signed with (RS256/ES256), cached and re-read when a token names a new key (rotation).
   */
  @HttpsInProduction('AUTH_JWT_JWKS_URL must be an https:// URL with NODE_ENV=production')
  @IsString()
  AUTH_JWT_JWKS_URL: string = '';

  /** One public key (PEM; `\n` may be written as the two characters) when there is no JWKS. */
  @IsPublicKeyOrEmpty()
  @IsString()
  AUTH_JWT_PUBLIC_KEY: string = '';

  /**
   * HS256 secret (at least 32 characters) – a development option: used only when neither a JWKS
   * nor a public key is set, and with NODE_ENV=production only if AUTH_JWT_ALLOW_HS256=true.
   */
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  @IsString()
  @ValidateIf((env: TripletexServiceEnv) => env.AUTH_JWT_SECRET !== undefined)
  AUTH_JWT_SECRET?: string;

  /** Accept HS256 tokens with NODE_ENV=production (a development stack, e.g. compose with the sandbox). */
  @TokenVerificationConfigured()
  @EnvBoolean()
  AUTH_JWT_ALLOW_HS256: boolean = false;

  /** Expected `iss` of BackOffice JWTs; required in production with public keys. */
  @IsString()
  AUTH_JWT_ISSUER: string = '';

  /** Expected `aud` of BackOffice JWTs; required in production with public keys. */
  @IsString()
  AUTH_JWT_AUDIENCE: string = '';

  /** Clock difference tolerated on `exp`/`nbf` (seconds). */
  @Max(300)
  @Min(0)
  @IsInt()
  AUTH_JWT_CLOCK_SKEW_SECONDS: number = 30;

  /** Key ring for employee tokens: `id:base64(32 bytes)[,id:base64…]`. Keep old keys until nothing uses them. */
  @Matches(KEY_RING, {
    message: 'ENCRYPTION_KEYS must be a comma-separated list of <key id>:<base64 32-byte key>',
  })
  ENCRYPTION_KEYS!: string;

  /** The key new secrets are encrypted with (one of ENCRYPTION_KEYS). */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, {
    message: 'ENCRYPTION_ACTIVE_KEY_ID must name a key of ENCRYPTION_KEYS',
  })
  ENCRYPTION_ACTIVE_KEY_ID!: string;

  /**
   * Tripletex API root: https://tripletex.no/v2, https://api-test.tripletex.tech/v2 or the
   * sandbox. https with NODE_ENV=production (see TRIPLETEX_ALLOW_HTTP).
   */
  @TripletexHttpsInProduction()
  @Matches(/^https?:\/\/\S+\/v2\/?$/, {
    message: 'TRIPLETEX_BASE_URL must be an http(s) URL ending in /v2',
  })
  TRIPLETEX_BASE_URL: string = 'http://127.0.0.1:3080/v2';

  /**
   * With NODE_ENV=production, accept an http:// TRIPLETEX_BASE_URL: only for a stack that runs the
   * Tripletex sandbox over http (compose); never for the real Tripletex, whose hosts are refused
   * over http in any case.
   */
  @EnvBoolean()
  TRIPLETEX_ALLOW_HTTP: boolean = false;

  /** The deployment's Tripletex consumer token (a secret). */
  @MinLength(8, {
    message:
      'TRIPLETEX_CONSUMER_TOKEN must be set (the consumer token Tripletex issued to this deployment)',
  })
  @IsString()
  TRIPLETEX_CONSUMER_TOKEN!: string;

  @Min(1000)
  @IsInt()
  TRIPLETEX_TIMEOUT_MS: number = 30_000;

  @Max(32)
  @Min(1)
  @IsInt()
  TRIPLETEX_MAX_CONCURRENT_PER_COMPANY: number = 4;

  /**
   * true: GET /ready answers 503 while Tripletex is unreachable. Default false: /ready reports
   * it (`tripletex.reachable: false`) but stays 200, because the service still takes events and
   * answers BackOffice, and retries the Tripletex work once it answers again.
   */
  @EnvBoolean()
  READINESS_REQUIRES_TRIPLETEX: boolean = false;
}
