// What `npm run up` starts locally: each service, its port, and the environment it gets.
export const SERVICES = [
  { name: 'tripletex-sandbox', port: 3080, database: false },
  { name: 'onboarding', port: 3001, database: true },
  { name: 'sales-export', port: 3002, database: true },
  { name: 'customer-sync', port: 3003, database: true },
  { name: 'invoicing', port: 3004, database: true },
];

export const RUN_DIR = new URL('../../.cache/run/', import.meta.url);

/** Environment for a locally started service; variables already set in the shell win. */
export function serviceEnv(service) {
  const env = {
    LOG_LEVEL: 'info',
    HTTP_HOST: '127.0.0.1',
    ...process.env,
    HTTP_PORT: String(service.port),
  };
  if (service.database) {
    env.DATABASE_URL =
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pos_tripletex';
    env.KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  }
  return env;
}
