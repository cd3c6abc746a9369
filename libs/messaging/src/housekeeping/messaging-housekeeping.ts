import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkLoop } from '@pos-tripletex/platform';
import { DataSource } from 'typeorm';
import { MESSAGING_SETTINGS } from '../kafka/kafka-client';
import { KafkaSettings } from '../kafka/kafka-config';

/** Rows deleted per statement, so pruning never holds long locks or one huge transaction. */
const CHUNK = 10_000;
/** Sent outbox rows are kept this long for inspection. */
const SENT_OUTBOX_DAYS = 7;

/**
 * Keeps the messaging tables from growing with volume: processed_events rows older than
 * INBOX_RETENTION_DAYS (longer than any replay window) and outbox rows sent more than 7 days ago
 * are deleted, in chunks, every MESSAGING_HOUSEKEEPING_SECONDS (10 minutes). Parked outbox rows stay until someone looks at them.
 */
@Injectable()
export class MessagingHousekeeping implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingHousekeeping.name);
  private readonly loop = WorkLoop.periodic(
    'messaging housekeeping',
    () => this.prune(),
    this.logger,
  );

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.settings.housekeepingSeconds * 1000, { now: true });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Deletes what is past retention; returns how many rows of each table went. */
  async prune(): Promise<{ processedEvents: number; outbox: number }> {
    const processedEvents = await this.deleteInChunks(
      `DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM processed_events
         WHERE processed_at < now() - make_interval(days => $1) LIMIT ${CHUNK}))`,
      [this.settings.inboxRetentionDays],
    );
    const outbox = await this.deleteInChunks(
      `DELETE FROM outbox_messages WHERE id = ANY(ARRAY(
         SELECT id FROM outbox_messages
         WHERE sent_at < now() - make_interval(days => $1) LIMIT ${CHUNK}))`,
      [SENT_OUTBOX_DAYS],
    );
    if (processedEvents + outbox > 0)
      this.logger.log(
        { processedEvents, outbox },
        `pruned ${processedEvents} processed-event and ${outbox} outbox rows`,
      );
    return { processedEvents, outbox };
  }

  private async deleteInChunks(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(sql, params);
      total += deleted;
      if (deleted < CHUNK) return total;
    }
  }
}
