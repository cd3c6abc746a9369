import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { Topics } from '@pos-tripletex/contracts';
import { Inbox } from '@pos-tripletex/messaging';
import { ReverificationService } from './reverification.service';
import { ReverificationWorker } from './reverification.worker';

/** Another service says Tripletex refused a company's token: check it soon. */
@Controller()
export class TripletexAuthFailedConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly reverification: ReverificationService,
    private readonly worker: ReverificationWorker,
  ) {}

  @EventPattern(Topics.TripletexAuthFailedV1)
  async onAuthFailed(@Ctx() ctx: KafkaContext): Promise<void> {
    const outcome = await this.inbox.consume(ctx, Topics.TripletexAuthFailedV1, (event, tx) =>
      this.reverification.request(tx, event.companyId),
    );
    if (outcome === 'processed') this.worker.runSoon();
  }
}
