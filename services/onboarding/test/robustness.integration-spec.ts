import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import {
  anAuthFailed,
  Collector,
  describeFlow,
  eventually,
  hostileRecords,
  notDeadLettered,
  publishInterleaved,
  uniqueName,
} from '@pos-tripletex/testing';
import { createDataSource } from '../src/database/setup';

// onboarding consumes integration.tripletex-auth-failed.v1: hostile records on it are
// dead-lettered with their reason, and the good reports around them are applied.

describeFlow(
  'onboarding on a hostile auth-failed topic',
  {
    mainJs: join(__dirname, '../dist/main.js'),
    createDataSource,
    schema: 'onboarding_robust',
    env: () => ({ KAFKA_HANDLER_MAX_ATTEMPTS: '3' }),
  },
  (flow) => {
    let events: Collector;

    beforeAll(async () => {
      const { sut } = flow();
      // Earlier tests' records on the shared topics are read first; our deadlines start after.
      await sut.caughtUp({ [Topics.TripletexAuthFailedV1]: [sut.env.KAFKA_GROUP_ID] });
      events = await sut.kafka.collect([deadLetterTopic(Topics.TripletexAuthFailedV1)]);
    }, 600_000); // catching up with a shared broker's history may take a while

    it('dead-letters every hostile auth-failure report and applies the good ones around them', async () => {
      const { sut } = flow();
      const companies = [uniqueName('robust_co'), uniqueName('robust_co')];
      const good = companies.flatMap((c) => [anAuthFailed(c), anAuthFailed(c, 'sales-export')]);
      const hostile = hostileRecords(Topics.TripletexAuthFailedV1, anAuthFailed(companies[0]));
      await publishInterleaved(
        sut.kafka,
        Topics.TripletexAuthFailedV1,
        hostile,
        good.map((e) => ({ key: e.companyId as string, value: e })),
      );
      await eventually(
        async () => {
          const rows = await sut.schema.query<{ event_id: string }>(
            'SELECT event_id FROM processed_events WHERE event_id = ANY($1)',
            [good.map((e) => e.eventId)],
          );
          expect(rows).toHaveLength(good.length);
        },
        { timeoutMs: 60_000 },
      );
      await eventually(
        () =>
          expect(
            notDeadLettered(
              events.messages,
              deadLetterTopic(Topics.TripletexAuthFailedV1),
              sut.env.KAFKA_GROUP_ID,
              hostile,
            ),
          ).toEqual([]),
        { timeoutMs: 60_000 },
      );
      expect((await fetch(`${sut.url}/ready`)).status).toBe(200);
    }, 180_000);
  },
);
