import 'reflect-metadata';

export * from './database';
export * from './kafka/kafka-config';
export * from './kafka/kafka-client';
export * from './kafka/batch-consumer';
export * from './kafka/topics';
export * from './inbox/received-message';
export * from './inbox/inbox';
export * from './inbox/failures';
export * from './kafka/consumer-monitor';
export * from './kafka/kafka-event-server';
export * from './dead-letter/dead-letter.publisher';
export * from './dead-letter/rejection-events';
export * from './outbox/outbox';
export * from './outbox/alerts';
export * from './outbox/outbox-relay';
export * from './housekeeping/messaging-housekeeping';
export * from './messaging.module';
