import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { secrets } from '@pos-tripletex/platform';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/** What libs/messaging reads from a service's validated environment (KafkaServiceEnv). */
export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  groupId: string;
  partitions: number;
  replicationFactor: number;
  maxAttempts: number;
  outboxPollIntervalMs: number;
  sessionTimeoutMs: number;
  stallAfterMs: number;
  inboxRetentionDays: number;
  housekeepingSeconds: number;
  /** TLS to the brokers (SSL, SASL_SSL): CA, client certificate and key as read at start-up. */
  ssl?: ConnectionOptions;
  /** SASL (SASL_PLAINTEXT, SASL_SSL): the service's principal. */
  sasl?: SASLOptions;
}

/**
 * The connection security of KAFKA_SECURITY_PROTOCOL and its companions (validated at start-up by
 * KafkaServiceEnv): files are read once here, and the SASL password is scrubbed from every log.
 */
export function kafkaSecurity(config: ConfigService): Pick<KafkaSettings, 'ssl' | 'sasl'> {
  const protocol = config.get<string>('KAFKA_SECURITY_PROTOCOL') ?? 'PLAINTEXT';
  const file = (name: string) => {
    const path = config.get<string>(name);
    return path ? readFileSync(path) : undefined;
  };
  const out: Pick<KafkaSettings, 'ssl' | 'sasl'> = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    out.ssl = {
      ca: file('KAFKA_SSL_CA_FILE'),
      cert: file('KAFKA_SSL_CERT_FILE'),
      key: file('KAFKA_SSL_KEY_FILE'),
      passphrase: config.get<string>('KAFKA_SSL_KEY_PASSWORD') || undefined,
      rejectUnauthorized: config.get<boolean>('KAFKA_SSL_REJECT_UNAUTHORIZED') ?? true,
    };
  }
  if (protocol.startsWith('SASL_')) {
    const username = config.getOrThrow<string>('KAFKA_SASL_USERNAME');
    const password = config.getOrThrow<string>('KAFKA_SASL_PASSWORD');
    secrets.add(password);
    const mechanism = (config.get<string>('KAFKA_SASL_MECHANISM') ?? 'SCRAM-SHA-512').toLowerCase();
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  return out;
}

export function kafkaSettings(config: ConfigService): KafkaSettings {
  return {
    clientId: config.getOrThrow<string>('KAFKA_CLIENT_ID'),
    brokers: config
      .getOrThrow<string>('KAFKA_BROKERS')
      .split(',')
      .map((b) => b.trim()),
    groupId: config.getOrThrow<string>('KAFKA_GROUP_ID'),
    partitions: config.getOrThrow<number>('KAFKA_TOPIC_PARTITIONS'),
    replicationFactor: config.getOrThrow<number>('KAFKA_REPLICATION_FACTOR'),
    maxAttempts: config.getOrThrow<number>('KAFKA_HANDLER_MAX_ATTEMPTS'),
    outboxPollIntervalMs: config.getOrThrow<number>('OUTBOX_POLL_INTERVAL_MS'),
    sessionTimeoutMs: config.getOrThrow<number>('KAFKA_SESSION_TIMEOUT_MS'),
    stallAfterMs: config.get<number>('KAFKA_STALL_AFTER_MS') ?? 120_000,
    inboxRetentionDays: config.get<number>('INBOX_RETENTION_DAYS') ?? 30,
    housekeepingSeconds: config.get<number>('MESSAGING_HOUSEKEEPING_SECONDS') ?? 600,
    ...kafkaSecurity(config),
  };
}

/** Routes kafkajs's own logs into the service's structured log. */
export function kafkaLogCreator(context: string) {
  const logger = new Logger(context);
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      const text = `${namespace}: ${message}`;
      // Nested, so nothing kafkajs passes along can take the place of the line's own fields.
      const fields = { kafka: extra };
      switch (level) {
        case logLevel.ERROR:
          logger.error(fields, text);
          break;
        case logLevel.WARN:
          logger.warn(fields, text);
          break;
        case logLevel.INFO:
          logger.log(fields, text);
          break;
        default:
          logger.debug(fields, text);
      }
    };
}

export function clientConfig(settings: KafkaSettings, context: string): KafkaConfig {
  return {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(context),
    retry: { initialRetryTime: 300, retries: 8 },
  };
}

export function createKafka(settings: KafkaSettings, context = 'Kafka'): Kafka {
  return new Kafka(clientConfig(settings, context));
}
