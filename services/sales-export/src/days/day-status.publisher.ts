import { Injectable } from '@nestjs/common';
import {
  DayReconciliationV1,
  DayStatus,
  DayStatusV1,
  DayVoucherV1,
  Topics,
  UnmappedItemV1,
} from '@pos-tripletex/contracts';
import { AlertInput, alertEvent, Outbox } from '@pos-tripletex/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../bootstrap';

/** The day a status is about. */
export interface DayRef {
  companyId: string;
  locationId: string;
  businessDay: string;
  checkouts: number;
  postedGross?: number;
}

export interface StatusDetails {
  voucher?: DayVoucherV1;
  reconciliation?: DayReconciliationV1;
  unmapped?: UnmappedItemV1[];
  code?: string;
  reason?: string;
}

/**
 * sales-export.day-status.v1 (and the alerts of an export's outcome) through the outbox: it
 * commits with the state change it reports (only DayLifecycle publishes).
 */
@Injectable()
export class DayStatusPublisher {
  constructor(private readonly outbox: Outbox) {}

  /** integration.alerts.v1 of a day's outcome (day.alerts.ts), in the same transaction. */
  async alerts(tx: EntityManager, alerts: AlertInput[]): Promise<void> {
    await this.outbox.add(tx, ...alerts.map((alert) => alertEvent(SERVICE_NAME, alert)));
  }

  async publish(
    tx: EntityManager,
    days: { day: DayRef; status: DayStatus; details?: StatusDetails }[],
  ): Promise<void> {
    await this.outbox.add(
      tx,
      ...days.map(({ day, status, details }) => {
        const event: DayStatusV1 = {
          eventId: randomUUID(),
          schemaVersion: 1,
          companyId: day.companyId,
          locationId: day.locationId,
          businessDay: day.businessDay,
          status,
          checkouts: day.checkouts,
          postedGross: day.postedGross,
          voucher: details?.voucher,
          unmapped: details?.unmapped,
          code: details?.code,
          reason: details?.reason?.slice(0, 2000),
          reconciliation: details?.reconciliation,
          changedAt: new Date().toISOString(),
        };
        return {
          topic: Topics.DayStatusV1,
          key: day.companyId,
          value: event,
          headers: { 'event-type': Topics.DayStatusV1, producer: SERVICE_NAME },
        };
      }),
    );
  }
}
