import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DeadLetterPublisher } from './dead-letter/dead-letter.publisher';
import { BatchConsumers } from './kafka/batch-consumer';
import { ConsumerMonitor } from './kafka/consumer-monitor';
import { MessagingHousekeeping } from './housekeeping/messaging-housekeeping';
import { Inbox } from './inbox/inbox';
import {
  KafkaClient,
  MESSAGING_SETTINGS,
  MESSAGING_TOPICS,
  TopicUsage,
} from './kafka/kafka-client';
import { kafkaSettings } from './kafka/kafka-config';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';

/**
 * Kafka plumbing for a service: topic provisioning, the producer, the idempotent Inbox, the
 * transactional Outbox and its relay, dead-lettering and the Kafka readiness check. Needs the
 * service's TypeORM connection (DatabaseModule) and a KafkaServiceEnv-validated ConfigModule.
 */
@Module({})
export class MessagingModule {
  static forService(topics: TopicUsage): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_SETTINGS, inject: [ConfigService], useFactory: kafkaSettings },
        { provide: MESSAGING_TOPICS, useValue: topics },
        KafkaClient,
        DeadLetterPublisher,
        Inbox,
        OutboxRelay,
        Outbox,
        BatchConsumers,
        ConsumerMonitor,
        MessagingHousekeeping,
      ],
      exports: [
        MessagingHousekeeping,
        ConsumerMonitor,
        KafkaClient,
        DeadLetterPublisher,
        Inbox,
        Outbox,
        OutboxRelay,
        BatchConsumers,
        MESSAGING_SETTINGS,
      ],
    };
  }
}
