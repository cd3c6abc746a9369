import { MessagingRetention1764547200000 } from './messaging-retention.migration';
import { MessagingTables1764028800000 } from './messaging-tables.migration';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ProcessedEventEntity } from './processed-event.entity';

export {
  MessagingRetention1764547200000,
  MessagingTables1764028800000,
  OutboxMessageEntity,
  ProcessedEventEntity,
};

/** Add to a service's entity list. */
export const messagingEntities = [ProcessedEventEntity, OutboxMessageEntity];
/** Add first to a service's migration list. */
export const messagingMigrations = [MessagingTables1764028800000, MessagingRetention1764547200000];
