export * from './env';
export * from './eventually';
export * from './kafka/test-kafka';
export * from './db/test-database';
export { HOW_TO_PROVISION, KAFKA_IMAGE, POSTGRES_IMAGE } from './jest/infrastructure';
export * from './services/spawned-service';
export * from './services/service-basics';
export * from './sandbox/test-sandbox';
export * from './services/secrets';
