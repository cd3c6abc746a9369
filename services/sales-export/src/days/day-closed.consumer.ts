import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox, rejectionEvents } from '@pos-tripletex/messaging';
import { SERVICE_NAME } from '../bootstrap';
import { DayLifecycle } from './day.lifecycle';
import { ExportWorker } from './export.worker';

/** pos.day.closed.v1: the POS's Z-report closes the day once its checkouts have all arrived. */
@Controller()
export class DayClosedConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly lifecycle: DayLifecycle,
    private readonly worker: ExportWorker,
  ) {}

  @EventPattern(Topics.DayClosedV1)
  async onDayClosed(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.inbox.consume(
      ctx,
      Topics.DayClosedV1,
      (report, tx) => this.lifecycle.recordZReport(report, tx),
      // sales-export owns the intake of POS records: every refusal is announced to the POS.
      { rejection: rejectionEvents(SERVICE_NAME) },
    );
    this.worker.nudge();
  }
}
