import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Topics, TripletexAuthFailedV1 } from '@pos-tripletex/contracts';
import { Outbox } from '@pos-tripletex/messaging';
import { EntityManager } from 'typeorm';

/**
 * Tells onboarding that Tripletex refused a company's employee token
 * (`integration.tripletex-auth-failed.v1`), in the transaction that records the failed work, so
 * onboarding re-verifies the token and the integration shows NEEDS_ATTENTION when it is gone.
 */
@Injectable()
export class TokenRejections {
  constructor(private readonly outbox: Outbox) {}

  async report(
    tx: EntityManager,
    rejection: { companyId: string; service: string; message: string },
  ): Promise<void> {
    const event: TripletexAuthFailedV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId: rejection.companyId,
      service: rejection.service,
      message: rejection.message.slice(0, 1000),
      failedAt: new Date().toISOString(),
    };
    await this.outbox.add(tx, {
      topic: Topics.TripletexAuthFailedV1,
      key: rejection.companyId,
      value: event,
      headers: { 'event-type': Topics.TripletexAuthFailedV1, producer: rejection.service },
    });
  }
}
