import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { parseEvent, Topics } from '@pos-tripletex/contracts';
import { BatchConsumers, Inbox, ReceivedMessage, rejectionEvents } from '@pos-tripletex/messaging';
import { SERVICE_NAME } from '../bootstrap';
import { SalesExportEnv } from '../config/env.schema';
import { ExportWorker } from '../days/export.worker';
import { SalesService } from './sales.service';

/**
 * pos.checkout.completed.v1, a chunk of INGEST_CHUNK_SIZE records at a time (kafkajs `eachBatch`
 * through libs/messaging, in its own consumer group): one transaction writes what SalesService
 * records, the sales table's primary key (eventId) being the record of what was applied. A contract violation is dead-lettered with a rejection event
 * for the POS; a chunk that fails otherwise is applied one record at a time.
 */
@Injectable()
export class CheckoutConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(CheckoutConsumer.name);

  constructor(
    private readonly consumers: BatchConsumers,
    private readonly inbox: Inbox,
    private readonly sales: SalesService,
    private readonly worker: ExportWorker,
    private readonly env: SalesExportEnv,
  ) {}

  /** Its own group: the Nest transport's group consumes the other topics. */
  get groupId(): string {
    return this.env.CHECKOUT_CONSUMER_GROUP_ID || `${this.env.KAFKA_GROUP_ID}-checkouts`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      groupId: this.groupId,
      topic: Topics.CheckoutCompletedV1,
      chunkSize: this.env.INGEST_CHUNK_SIZE,
      concurrency: this.env.INGEST_CONCURRENCY,
      maxBytesPerPartition: this.env.INGEST_FETCH_BYTES_PER_PARTITION,
      handle: (messages) => this.consume(messages),
    });
  }

  async consume(messages: ReceivedMessage[]): Promise<void> {
    const outcome = await this.inbox.processBatch(messages, {
      consumer: this.groupId,
      // sales-export owns the intake of POS records: every refusal is announced to the POS.
      rejection: rejectionEvents(SERVICE_NAME),
      parse: (value) => parseEvent(Topics.CheckoutCompletedV1, value),
      eventId: (checkout) => checkout.eventId,
      // A sale's primary key is its eventId and sales are kept: the sales table itself tells a
      // redelivery apart, so no processed-event rows are written for the hottest topic.
      dedupe: 'handler',
      handleBatch: (parsed, tx) =>
        this.sales.record(
          parsed.map((received) => received.event),
          tx,
        ),
    });
    if (outcome.processed > 0) this.worker.nudge();
    if (outcome.deadLettered > 0)
      this.logger.warn(`${outcome.deadLettered} checkout(s) rejected to the dead-letter topic`);
  }
}
